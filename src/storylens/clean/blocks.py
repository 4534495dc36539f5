"""Splitting raw text into blocks (lines) and sentences, with offsets into the raw text."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text import sentence_spans, words


@dataclass
class Block:
    """One non-empty line of the raw text. ``group`` counts blank-line-separated paragraphs."""
    index: int
    start: int
    end: int
    text: str
    group: int
    reason: str | None = None          # why it is removed (None: kept)
    cuts: list[tuple[int, int, str]] = field(default_factory=list)  # removed sentences (raw offsets)

    @property
    def words(self) -> list[str]:
        return words(self.text)

    @property
    def n_words(self) -> int:
        return len(self.words)


def segment(raw: str) -> list[Block]:
    blocks: list[Block] = []
    group, pos, blank = 0, 0, False
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            blank = True
        else:
            if blank and blocks:
                group += 1
            blank = False
            lead = len(body) - len(body.lstrip())
            s = pos + lead
            blocks.append(Block(len(blocks), s, s + len(stripped), stripped, group))
        pos += len(line)
    return blocks


def sentences(block: Block) -> list[tuple[int, int, str]]:
    """(raw start, raw end, text) of each sentence in a block."""
    return [(block.start + sp.start, block.start + sp.end, sp.text) for sp in sentence_spans(block.text)]
