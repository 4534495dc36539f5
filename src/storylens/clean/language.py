"""The language an article is written in (ISO 639-1), from the model py3langid ships.

The detector's label set is restricted to languages that have an ISO 639-1 code: its extra
labels are mostly regional varieties and creoles (Nigerian Pidgin, Central Bikol, ...) that
short English news sentences are otherwise mistaken for. When the detector is unsure, the
language is left unknown (None) rather than guessed: stages that serve one language should then
treat the article as possibly theirs.
"""
from __future__ import annotations

from functools import lru_cache

# Below this normalised probability the top language is a guess.
MIN_CONFIDENCE = 0.5
# Characters of the article read: language does not change halfway through a news story.
SAMPLE_CHARS = 5000


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([c for c in ident.labels if len(c) == 2])
    return ident


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short or the model unsure."""
    sample = (text or "")[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 10:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= MIN_CONFIDENCE else None
