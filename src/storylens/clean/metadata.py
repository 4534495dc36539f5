"""Metadata hidden in scraped text: date lines, bylines, author names in bios, the outlet's name."""
from __future__ import annotations

import re

from ..text import iso_date

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_RX = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4})\b", re.I)
_DATE_WORDS = re.compile(rf"^(?:(?:published|updated|posted|last updated|date)\s*:?\s*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*|at\s|on\s|"
                         r"\d{1,2}:\d{2}\s*(?:am|pm)?\s*|[a-z]{2,4}t\b|utc|gmt|[|·•,–—-]\s*)+", re.I)
# A numeric date ("3/4/2025") among the forms DATE_RX finds: ISO dates have hyphens, the others letters.
_DIGITS_ONLY = re.compile(r"[\d/.]+")
# Small words that can sit inside a personal name.
_PARTICLES = {"de", "da", "van", "von", "der", "den", "del", "la", "le", "bin", "al", "ibn", "dos", "du", "mc", "st."}
_NAME_TOKEN = re.compile(r"^[A-Z][a-zA-Z'’.\-]*$|^[A-Z]\.$")


def dates_in(text: str) -> list[tuple[str, bool]]:
    """(date text, is_numeric) for each absolute date in the text."""
    return [(m.group(0), _DIGITS_ONLY.fullmatch(m.group(0)) is not None) for m in DATE_RX.finditer(text)]


def is_date_line(text: str) -> bool:
    """A short line that is only a date (with publishing words, weekday or time around it)."""
    t = text.strip()
    if len(t) > 60:
        return False
    m = DATE_RX.search(t)
    if not m:
        return False
    rest = (t[:m.start()] + " " + t[m.end():]).strip()
    rest = _DATE_WORDS.sub("", rest).strip(" |·•,–—-")
    rest = re.sub(r"^\d{1,2}:\d{2}\s*(?:am|pm)?\s*(?:[a-z]{2,4}t|utc|gmt)?$", "", rest, flags=re.I)
    return not rest


def choose_date(found: list[tuple[str, bool]]) -> str | None:
    """Prefer an unambiguous (month-name or ISO) date; read numeric dates to agree with it when possible."""
    named = [iso_date(t) for t, num in found if not num]
    named = [d for d in named if d]
    if named:
        return named[0]
    for t, _ in found:
        d = iso_date(t)
        if d:
            return d
    return None


def name_like(text: str, max_tokens: int = 4) -> bool:
    """2–4 capitalised tokens (a person's name), no sentence punctuation."""
    t = text.strip()
    if not t or t[-1] in ".!?:;,\"”" or any(ch.isdigit() for ch in t):
        return False
    toks = t.split()
    if not 2 <= len(toks) <= max_tokens:
        return False
    caps = [tok for tok in toks if tok.lower() not in _PARTICLES]
    return len(caps) >= 2 and all(_NAME_TOKEN.match(tok) for tok in caps)


_NOT_NAME_START = {"the", "a", "an", "this", "that", "these", "those", "our", "my", "his", "her", "its", "their",
                   "in", "on", "at", "for", "with", "by", "from", "as", "if", "when", "after", "before"}


def leading_name(text: str) -> str | None:
    """The personal name a bio starts with, followed by what the person does
    ("Jane Doe covers ..." → "Jane Doe")."""
    toks = text.strip().split()
    if not toks or toks[0].lower() in _NOT_NAME_START:
        return None
    name = []
    for tok in toks[:5]:
        clean = tok.strip(",;:")
        if _NAME_TOKEN.match(clean) or (name and clean.lower() in _PARTICLES):
            name.append(clean)
            if clean != tok:
                break
        else:
            break
    while name and name[-1].lower() in _PARTICLES:
        name.pop()
    if not 2 <= len(name) <= 4:
        return None
    following = toks[len(name)] if len(toks) > len(name) else ""
    if following and not following[:1].islower() and not name[-1].endswith(","):
        return None
    return " ".join(name).rstrip(",")


_BYLINE = re.compile(r"^(?:by|written by|reported by|words by)\s+(.+)$", re.I)


def byline_name(text: str) -> str | None:
    """Author from "By Jane Doe, correspondent" or "Jane Doe | 4 March 2026"."""
    t = text.strip()
    m = _BYLINE.match(t)
    if m:
        t = m.group(1)
    t = re.split(r"\s*[|·•,–—]\s*|\s+(?:and|in|for|at)\s+(?=[A-Z])", t)[0].strip()
    t = DATE_RX.sub("", t).strip()
    return t if name_like(t) else None


_OUTLET_FROM = re.compile(r"^(?:more|also|latest|other stories|stories|news)\s+(?:from|on|at)\s+(.{2,60}?)[:.]?$", re.I)


def outlet_from_heading(text: str) -> str | None:
    """"More from Example Media" → "Example Media" (only a capitalised proper name)."""
    m = _OUTLET_FROM.match(text.strip())
    if not m:
        return None
    name = m.group(1).strip()
    if name.lower().startswith(("the web", "our ", "this ", "these ", "today")) or not name[:1].isupper():
        return None
    return name


_FOR_OUTLET = re.compile(r"\b(?:for|at|with|editor of|correspondent of)\s+(?:the\s+)?((?:[A-Z][\w&'’-]*)(?:\s+[A-Z][\w&'’-]*){0,3})")
_NOT_OUTLET = {"Central", "European", "Europe", "Asia", "Africa", "America", "World", "International", "News"}


def outlet_in_bio(text: str) -> str | None:
    """"Jane Doe covers diplomacy for the Example Times." → "Example Times"."""
    m = re.search(r"\b(?:covers|writes|reports|reporter|correspondent|editor|columnist|works)\b.*?" + _FOR_OUTLET.pattern, text)
    if not m:
        return None
    name = m.group(1).rstrip(".")
    return None if name in _NOT_OUTLET or len(name) < 3 else name
