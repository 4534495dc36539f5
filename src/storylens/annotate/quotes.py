"""Quotes and their speakers."""
from __future__ import annotations

from ..model import Document


def extract_quotes(doc: Document) -> None:
    doc.quotes = []
