"""SQLite store and exports."""
from .db import Store

__all__ = ["Store"]
