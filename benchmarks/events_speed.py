"""Speed of the event stage alone against spaCy parsing, on a folder of plain-text articles.

    .venv/bin/python benchmarks/events_speed.py --data ../shared/seeds --repeat 6

Parses every *.txt file (repeated --repeat times) with nlp.pipe, runs the entities and quotes stages, then
times code_events alone. Prints sentences/s for both and the event stage's time as a share of spaCy's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=6)
    args = ap.parse_args(argv)

    from storylens.annotate.entities import extract_entities
    from storylens.annotate.event_actors import _kb
    from storylens.annotate.event_lexicon import lexicon
    from storylens.annotate.events import code_events
    from storylens.annotate.nlp import load_nlp, parse
    from storylens.annotate.quotes import extract_quotes
    from storylens.config import Config
    from storylens.model import Article

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(args.data.glob("*.txt"))] * args.repeat
    nlp = load_nlp(Config().spacy_model)
    lexicon()
    _kb("Russia", None)
    arts = [Article(id=f"s{i}", source_path="speed", text=t, published="2025-09-01") for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    docs = list(parse(arts, nlp))
    spacy_s = time.perf_counter() - t0
    for d in docs:
        extract_entities(d)
        extract_quotes(d)
    t0 = time.perf_counter()
    n_events = sum(len(code_events(d)) for d in docs)
    ev_s = time.perf_counter() - t0
    n = sum(len(d.sentences) for d in docs)
    res = {"articles": len(docs), "sentences": n, "events": n_events,
           "spacy_sentences_per_s": round(n / spacy_s, 1), "event_stage_sentences_per_s": round(n / ev_s, 1),
           "event_stage_share_of_spacy_time": round(ev_s / spacy_s, 3)}
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
