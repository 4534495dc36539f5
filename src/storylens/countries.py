"""The country table: names, demonyms, capitals and aliases → ISO-3166 alpha-3, and back.

One table for every stage, built with the actor knowledge base from the Phoenix country
dictionary plus the hand-written aliases in ``data/actors/supplement.yaml`` (see link/kb.py);
CAMEO country codes that are not ISO ("ROM", "ZAR") are mapped to ISO.
"""
from __future__ import annotations

from .link import kb as _kb


def iso_of(text: str) -> str | None:
    """ISO3 for a country name, demonym, capital or alias ("Ukrainian", "Kyiv", "U.S.")."""
    return _kb.country_of(text)


def is_country_name(text: str) -> bool:
    """True for the name of a country itself ("Russia", "the Russians"), not for its cities."""
    return _kb.is_country_name(text)


def country_name(iso: str | None) -> str | None:
    """Display name for an ISO3 code ("RUS" → "Russia")."""
    return _kb.country_name(iso)


def iso_of_code(code: str | None) -> str | None:
    """Country part of a CAMEO-style actor code (RUSGOV → RUS); None for IGO/NGO and the like."""
    return _kb.iso_of_code(code)


__all__ = ["country_name", "is_country_name", "iso_of", "iso_of_code"]
