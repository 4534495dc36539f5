"""Progress of a streaming run: items and items/s always; percentage and ETA from input bytes when known."""
from __future__ import annotations

import os
import time
from typing import Iterable


def input_size(paths: Iterable[str]) -> tuple[int, int]:
    """(file count, total bytes) of the inputs; a directory walk, no file is opened."""
    from ..ingest import iter_files

    n = size = 0
    for f in iter_files(paths):
        n += 1
        try:
            size += f.stat().st_size
        except OSError:
            pass
    return n, size


class ProgressTracker:
    """Turns the pipeline's per-item callback into progress-bar updates.

    A file counts as done when the reader moves on to the next one, so the bar advances by bytes
    of finished files: a fair ETA for many files, and a rate-only display inside one huge file.
    """

    def __init__(self, bar, task, total_bytes: int | None):
        self.bar, self.task = bar, task
        self.total = total_bytes or None
        self.items = 0
        self.done_bytes = 0
        self.current: str | None = None
        self.t0 = time.time()

    def _size(self, path: str) -> int:
        try:
            return os.stat(path).st_size
        except OSError:
            return 0

    def __call__(self, path: str) -> None:
        self.items += 1
        if path != self.current:
            if self.current is not None:
                self.done_bytes += self._size(self.current)
            self.current = path
        rate = self.items / max(time.time() - self.t0, 1e-6)
        self.bar.update(self.task, completed=self.done_bytes if self.total else None,
                        items=f"{self.items} items", rate=f"{rate:.1f} items/s",
                        current=os.path.basename(path)[:40])

    def finish(self) -> None:
        if self.total:
            self.bar.update(self.task, completed=self.total)
