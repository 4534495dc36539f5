#!/usr/bin/env python
"""Write a large synthetic news corpus as JSONL, for throughput and memory benchmarks only.

Source text: the demo articles in examples/demo (read with storylens' own readers), or the
sample articles in ../shared/seeds when the demo is absent. Each synthetic article mixes
paragraphs drawn from all source articles in a shuffled order, swaps capitalised names among
themselves and rewrites every number, so near-duplicate detection does not collapse the corpus
and the NLP stages see realistic prose. Output is streamed line by line; nothing is held in memory
but the paragraph pool. Never commit the output.

    python scripts/synth_corpus.py OUT.jsonl -n 100000 --words 700 --seed 1
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
SEEDS = ROOT.parent / "shared" / "seeds"

_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})+\b")   # multi-word capitalised names
_NUM = re.compile(r"\d+")


def source_texts(paths: list[Path]) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from storylens.clean import clean_item
    from storylens.ingest import read_paths
    from storylens.model import Skip

    texts = []
    for item in read_paths([str(p) for p in paths]):
        if isinstance(item, Skip):
            continue
        try:
            t = clean_item(item).text
        except Exception:
            continue
        if len(t.split()) >= 80:
            texts.append(t)
    return texts


def paragraph_pool(texts: list[str]) -> list[str]:
    pool = []
    for t in texts:
        for p in re.split(r"\n\s*\n", t):
            p = " ".join(p.split())
            if len(p.split()) >= 12:  # skip captions, bylines and other short leftovers
                pool.append(p)
    return pool


def _vary(par: str, names: list[str], rng: random.Random) -> str:
    par = _NAME.sub(lambda m: rng.choice(names) if rng.random() < 0.5 else m.group(0), par)
    return _NUM.sub(lambda m: str(rng.randrange(10 ** (len(m.group(0)) - 1) if len(m.group(0)) > 1 else 0,
                                                10 ** len(m.group(0)))), par)


def synth(pool: list[str], n: int, words: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    names = sorted({m.group(0) for p in pool for m in _NAME.finditer(p)}) or ["Alex Morgan"]
    outlets = [f"Synthetic Wire {c}" for c in "ABCDEFGH"]
    for i in range(n):
        chosen, count = [], 0
        # distinct paragraphs (the cleaner drops repeated ones), in a random order, until near the target
        for par in rng.sample(pool, len(pool)):
            if count >= words - 30:
                break
            par = _vary(par, names, rng)
            chosen.append(par)
            count += len(par.split())
        # a headline from a paragraph outside the body (a body opening with it would read as the title line)
        head = _vary(rng.choice(pool), names, rng).split()
        title = " ".join(head[:rng.randint(6, 11)]).rstrip(",.;:")
        yield {"url": f"https://synthetic.example/{seed}/{i}", "title": title, "outlet": rng.choice(outlets),
               "published": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "text": "\n\n".join(chosen)}


def write_corpus(out: str | Path, n: int, words: int = 700, seed: int = 1, sources: list[Path] | None = None) -> Path:
    if sources is None:
        sources = [DEMO] if DEMO.is_dir() and any(DEMO.iterdir()) else [SEEDS]
    pool = paragraph_pool(source_texts(sources))
    if not pool:
        raise SystemExit(f"no usable source text in {', '.join(map(str, sources))}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for rec in synth(pool, n, words, seed):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output .jsonl file")
    ap.add_argument("-n", type=int, default=1000, help="number of articles")
    ap.add_argument("--words", type=int, default=700, help="approximate words per article")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", action="append", type=Path, help="source folder(s) instead of examples/demo")
    a = ap.parse_args(argv)
    path = write_corpus(a.out, a.n, a.words, a.seed, a.source)
    print(f"wrote {a.n} articles to {path}")


if __name__ == "__main__":
    main()
