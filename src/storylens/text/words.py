"""What a word is: letters and digits, with inner apostrophes ("Kremlin's", "don't", "O’Brien").

Underscores and hyphens separate words; every script's letters count. :func:`word_keys` is the
comparison form (lower case, typographic apostrophes made plain).
"""
from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# The tokens a parser splits off a possessive ("Russia" + "'s", "Reuters" + "'").
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def word_keys(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in words(text)]
