"""Political events (PLOVER / CAMEO)."""
from __future__ import annotations

from ..model import Document


def extract_events(doc: Document) -> None:
    doc.events = []
