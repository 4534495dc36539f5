"""Pairing quotation marks in plain text (no parse needed).

Works line by line: news text opens a quotation again at the start of each paragraph
it runs through and leaves the previous paragraph unclosed, so an opening mark still
open at the end of a line yields a span to the end of that line, flagged ``unclosed``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

OPEN_CURLY = "“«„"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
# A single curly opening mark counts only at a word start; ’ inside words is an apostrophe.
_SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n]{1,200}?)’(?!\w)")


@dataclass
class MarkSpan:
    open: int          # offset of the opening mark
    close: int         # offset just past the closing mark (line end when unclosed)
    start: int         # quoted content, marks excluded
    end: int
    unclosed: bool = False
    single: bool = False

    @property
    def text_range(self) -> tuple[int, int]:
        return self.start, self.end


class Ranges:
    """Half-open character ranges answering "is this offset inside one?" and "does this range
    overlap one?" in logarithmic time, so that per-token checks stay linear in article length."""

    def __init__(self, ranges):
        self.items = sorted((a, b) for a, b in ranges if b > a)
        self.starts = [a for a, _ in self.items]
        self.max_end = []
        best = -1
        for _a, b in self.items:
            best = max(best, b)
            self.max_end.append(best)

    def __bool__(self) -> bool:
        return bool(self.items)

    def contains(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and self.max_end[i] > pos

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b) - 1
        return i >= 0 and self.max_end[i] > a

    def within(self, a: int, b: int) -> list[tuple[int, int]]:
        """Ranges that start inside [a, b)."""
        return self.items[bisect_left(self.starts, a):bisect_left(self.starts, b)]


def _content(text: str, a: int, b: int) -> tuple[int, int]:
    """Trim whitespace and the comma that news style puts inside the closing mark."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] == ","):
        b -= 1
    return a, b


def find_mark_spans(text: str) -> list[MarkSpan]:
    spans: list[MarkSpan] = []
    pos = 0
    lines = text.split("\n")
    for n, line in enumerate(lines):
        base = pos
        pos += len(line) + 1
        opened: int | None = None
        opened_straight = False
        width = 1
        i = 0
        while i < len(line):
            ch = line[i]
            # Two apostrophes stand for a straight double mark in some archives (''like this''),
            # two curly single marks for a curly double one (‘‘like this’’).
            w = 2 if line.startswith(("''", "‘‘", "’’"), i) else 1
            if line.startswith("‘‘", i):
                opened, opened_straight, width = i, False, 2
            elif line.startswith("’’", i):
                if opened is not None and not opened_straight:
                    a, b = _content(text, base + opened + width, base + i)
                    if b > a:
                        spans.append(MarkSpan(base + opened, base + i + 2, a, b))
                    opened = None
            elif ch in OPEN_CURLY:
                # A second opening mark before any closing one: the first was never closed;
                # restart from the later one rather than swallowing the text between.
                opened, opened_straight, width = i, False, 1
            elif ch in CLOSE_CURLY:
                if opened is not None and not opened_straight:
                    a, b = _content(text, base + opened + width, base + i)
                    if b > a:
                        spans.append(MarkSpan(base + opened, base + i + 1, a, b))
                    opened = None
            elif ch == STRAIGHT or line.startswith("''", i):
                if opened is None:
                    opened, opened_straight, width = i, True, w
                elif opened_straight:
                    a, b = _content(text, base + opened + width, base + i)
                    if b > a:
                        spans.append(MarkSpan(base + opened, base + i + w, a, b))
                    opened = None
            i += w
        if opened is not None and _reopens(lines, n):
            a, b = _content(text, base + opened + width, base + len(line))
            if b - a > 1:
                spans.append(MarkSpan(base + opened, base + len(line), a, b, unclosed=True))
    # Single marks, only where no double-quoted span already covers them.
    doubles = Ranges((s.open, s.close) for s in spans)
    for m in _SINGLE.finditer(text):
        if doubles.contains(m.start()):
            continue
        if m.group(1).startswith("'") or text[m.end():m.end() + 1] == "'":
            continue
        a, b = _content(text, m.start(1), m.end(1))
        if b > a:
            spans.append(MarkSpan(m.start(), m.end(), a, b, single=True))
    spans.sort(key=lambda s: s.open)
    return spans


def _reopens(lines: list[str], n: int) -> bool:
    """An unclosed quotation is real only when the next paragraph opens a quotation again
    (the convention for a quote running over paragraphs); otherwise the mark is a stray."""
    for j in range(n + 1, len(lines)):
        nxt = lines[j]
        if nxt.strip():
            return nxt.lstrip()[:1] in OPEN_CURLY + STRAIGHT or nxt.lstrip().startswith("''")
    return False
