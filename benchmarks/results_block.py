"""Write a benchmark's lines into its results file between two marker comments (or append them)."""
from __future__ import annotations

from pathlib import Path


def replace_block(path: Path, start: str, end: str, lines: list[str]) -> None:
    """Replace the text from `start` to `end` in `path` by `lines` (which begin with `start` and end with `end`),
    or append them when the markers are not there yet: the rest of the hand-written file stays as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = "\n".join(lines)
    if start in text and end in text[text.index(start):]:
        # the end marker that closes this block, not a stray one earlier in the file
        i = text.index(start)
        text = text[:i] + block + text[text.index(end, i) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
