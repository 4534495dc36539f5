"""Normalising metadata values that readers find (dates in feeds, JSON fields, HTML meta)."""
from __future__ import annotations

from ..text import iso_date

__all__ = ["iso_date"]
