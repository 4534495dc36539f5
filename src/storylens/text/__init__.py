"""Text concepts every stage shares: sentence spans, words, dates.

One definition each, so that two stages never disagree about where a sentence ends, what a
word is or which day a date names. Stages with a spaCy parse use its sentences
(``Document.sentences``); :func:`sentence_spans` is the splitter for text without one.
"""
from .dates import day, iso_date, to_date
from .sentences import Span, sentence_at, sentence_spans, sentences
from .words import POSSESSIVE, WORD, word_keys, words

__all__ = ["POSSESSIVE", "Span", "WORD", "day", "iso_date", "sentence_at", "sentence_spans", "sentences", "to_date",
           "word_keys", "words"]
