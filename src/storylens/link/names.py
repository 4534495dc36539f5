"""Name normalisation shared by the entity stage, the knowledge base and the linker.

The transliteration key folds the spelling variants that English-language outlets
produce when romanising the same Cyrillic, Arabic or other name (Zelensky / Zelenskiy /
Zelenskyy / Zelenski, Yury / Yuri / Yuriy, Sergey / Sergei, Dmitry / Dmitriy) onto one
string. It is a phonetic-ish key, not a list of names: equal keys mean "probably the
same spelling", never "the same person".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["NAME_PARTICLES", "fold", "name_key", "name_tokens", "slug", "surname_key", "translit_key"]

_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D", "æ": "ae",
                          "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "’": "'", "‘": "'", "‐": "-", "‑": "-",
                          "–": "-", "—": "-"})
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_VOWELS = "aeiouy"


def fold(text: str) -> str:
    """ASCII-fold accents and special letters; keep everything else as is."""
    if text.isascii():   # nothing to fold (the table and NFKD only change non-ASCII characters)
        return text
    text = text.translate(_SPECIAL)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def translit_key(word: str) -> str:
    w = fold(word).lower()
    w = _ARTICLE.sub("", w)   # al-Assad → assad
    w = _NON_LETTER.sub("", w)
    if not w:
        return ""
    w = w.replace("dzh", "j").replace("kh", "h").replace("ph", "f").replace("ks", "x").replace("w", "v")
    w = w.replace("ou", "u")
    for pat, rep in _TRANSLIT:
        w = pat.sub(rep, w)
    return w


# compiled once: the KB build alone calls translit_key ~23,000 times
_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|at|ar|an|az|ul)[-‐]")
_NON_LETTER = re.compile(r"[^a-z]")
_TRANSLIT = [(re.compile(p), r) for p, r in (
    (r"j(?=[aeiou])", "y"),                  # Jurij → yurij (Slavic j = English y)
    (r"(iy|yy|ij|yj|ii|y)$", "i"),           # final -iy/-yy/-y/-ij → -i
    (r"(?<=[aeo])y", "i"),                   # Sergey → sergei, Nikolay → nikolai
    (r"(?<=[^aeiouy])y(?=[^aeiouy])", "i"),  # Volodymyr → volodimir
    (r"(?<=[^aeiouy])y(?=[aeiou])", "i"),    # Tatyana → tatiana, Natalya → natalia
    (r"(?<=[^aeiouy])er$", "r"),             # Alexander → alexandr (Aleksandr)
    (r"(.)\1+", r"\1"),                      # doubled letters
)]


_SPACES = re.compile(r"\s+")


def name_tokens(name: str) -> list[str]:
    """Name words without initials, generational suffixes and punctuation."""
    toks = []
    for t in _SPACES.split(fold(name).strip()):
        t = t.strip(".,;:'\"()")
        if not t or t.lower().rstrip(".") in _SUFFIXES:
            continue
        if len(t.rstrip(".")) <= 1:   # initials: "Vladimir V. Putin"
            continue
        toks.append(t)
    return toks


NAME_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "al", "el", "bin", "ibn", "ben"}
# Capitalised at the start of a two-word name ("Le Pen", "Van Rompuy") they are still the surname;
# "Al" and "Ben" are left out: they are also first names (Al Gore, Ben Wallace).
_CAP_PARTICLES = {"Le", "La", "Van", "Von", "De", "Du", "Der", "Den", "Di", "Da", "Del", "Della"}


@lru_cache(maxsize=65536)  # pure, and called hundreds of times per article by the entity stage
def name_key(name: str) -> tuple[str, ...]:
    """(first, last) transliteration keys; (last,) for single-word names.

    Lower-case particles in front ("von der Leyen") belong to the surname, so such a
    name is a surname-only mention."""
    raw = name_tokens(name)
    while len(raw) > 1 and (raw[0][:1].islower() and raw[0].lower() in NAME_PARTICLES
                            or len(raw) == 2 and raw[0] in _CAP_PARTICLES):
        raw = raw[1:]
    toks = [translit_key(t) for t in raw]
    toks = [t for t in toks if t]
    if not toks:
        return ()
    if len(toks) == 1:
        return (toks[0],)
    return (toks[0], toks[-1])


def surname_key(name: str) -> str:
    k = name_key(name)
    return k[-1] if k else ""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-") or "actor"
