"""Story clustering quality: B-cubed precision / recall / F1 on ECB+ topics and sub-topics, and WikiRef220.

    .venv/bin/python benchmarks/stories_ecb.py --data ../shared/data/ecbplus [--topics 2,5,12]
    .venv/bin/python benchmarks/stories_ecb.py --wikiref ../shared/data/wikiref
    (both flags together run both; --sweep also prints scores over a range of thresholds)

Documents go through the real pipeline (spaCy entities, actor linking) and the story stage's
own representation and clustering (storylens.compare.stories), all at once as a fresh run;
``--incremental`` instead clusters every other document first and adds the rest in a second
run (existing stories keep their ids and members), to measure the incremental path.
ECB+ gold: topic (e.g. 1) and sub-topic (topic + ecb|ecbplus: two different seminal events
of the same kind). In ecbplus files sentence 0 is the source URL and is left out.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storylens.compare.context import actor_groups, build_views  # noqa: E402
from storylens.compare.stories import JOIN, cluster_articles, represent  # noqa: E402
from storylens.config import Config  # noqa: E402
from storylens.link.actors import link_actors  # noqa: E402
from storylens.model import Article  # noqa: E402
from storylens.pipeline import process_articles  # noqa: E402


def read_ecb(data: Path, topics: set[str] | None = None) -> list[tuple[Article, str, str]]:
    out = []
    base = data / "ECB+"
    for f in sorted(base.glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name)):
        topic = f.parent.name
        if topics and topic not in topics:
            continue
        plus = f.name.endswith("ecbplus.xml")
        sents: dict[int, list[str]] = {}
        for tok in ET.parse(f).getroot().iter("token"):
            sents.setdefault(int(tok.get("sentence")), []).append(tok.text or "")
        keys = sorted(sents)
        if plus and keys and keys[0] == 0:
            keys = keys[1:]
        text = "\n".join(_detok(" ".join(sents[k])) for k in keys)
        art = Article(id=f.stem, source_path=str(f), text=text)
        out.append((art, topic, f"{topic}{'plus' if plus else 'ecb'}"))
    return out


def _detok(s: str) -> str:
    s = re.sub(r" ([,.;:!?%)\]'])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d)\b", r"\1", s)
    return s


def read_wikiref(data: Path) -> list[tuple[Article, str]]:
    out = []
    folder = data / "WikiRef220" if (data / "WikiRef220").is_dir() else data
    for f in sorted(folder.glob("*.txt")):
        stem = f.stem
        label = re.sub(r"\s*\(\d+\)$", "", stem)
        label = re.sub(r"\.\d+$", "", label)
        text = f.read_text(encoding="utf-8", errors="replace").strip()
        if not text:
            continue
        out.append((Article(id=re.sub(r"\W+", "_", stem), source_path=str(f), text=text), label))
    return out


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    from collections import defaultdict

    pc, gc = defaultdict(set), defaultdict(set)
    for k, v in pred.items():
        pc[v].add(k)
    for k, v in gold.items():
        gc[v].add(k)
    p = r = 0.0
    for k in pred:
        same_p, same_g = pc[pred[k]], gc[gold[k]]
        inter = len(same_p & same_g)
        p += inter / len(same_p)
        r += inter / len(same_g)
    n = len(pred)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def annotate(articles: list[Article], config: Config) -> list:
    """Per-article stages; an article a stage fails on is kept with no annotations (and counted)."""
    from storylens.model import Document

    docs, failed = [], 0
    for i in range(0, len(articles), 64):
        chunk = articles[i:i + 64]
        try:
            docs += list(process_articles(chunk, config))
            continue
        except Exception:
            pass
        for a in chunk:
            try:
                docs += list(process_articles([a], config))
            except Exception:
                failed += 1
                docs.append(Document(article=a))
    if failed:
        print(f"{failed} documents could not be annotated; clustered on text alone", file=sys.stderr)
    return docs


def prepare(articles: list[Article], config: Config):
    docs = annotate(articles, config)
    actors = link_actors(docs, config)
    views = build_views(docs, actor_groups(actors))
    ordered = [views[a.id] for a in articles]
    return represent(ordered, config)


def run_clustering(reps: dict, ids: list[str], threshold: float, incremental: bool) -> dict[str, str]:
    order = [reps[i] for i in ids]
    if incremental:
        # every other document first, the rest arrives later: each story grows across both runs
        _, state = cluster_articles(order[::2], {}, threshold)
        stories, _ = cluster_articles(order[::2] + order[1::2], state, threshold)
    else:
        stories, _ = cluster_articles(order, {}, threshold)
    return {a: sid for sid, members in stories.items() for a in members}


def report(name: str, pred: dict[str, str], golds: dict[str, dict[str, str]]) -> list[str]:
    lines = []
    n_clusters = len(set(pred.values()))
    for gname, gold in golds.items():
        p, r, f = bcubed(pred, gold)
        lines.append(f"| {name} | {gname} | {len(pred)} | {len(set(gold.values()))} | {n_clusters} | {p:.3f} | {r:.3f} | {f:.3f} |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="ECB+ folder (contains ECB+/)")
    ap.add_argument("--topics", help="comma-separated ECB+ topic numbers to use (default: all present)")
    ap.add_argument("--wikiref", type=Path, help="WikiRef folder (contains WikiRef220/)")
    ap.add_argument("--threshold", type=float, default=JOIN)
    ap.add_argument("--incremental", action="store_true", help="cluster every other document first, then add the rest incrementally")
    ap.add_argument("--sweep", action="store_true", help="also print F1 over a range of thresholds")
    args = ap.parse_args(argv)
    if not args.data and not args.wikiref:
        ap.error("give --data and/or --wikiref")
    config = Config()
    header = ["| corpus | gold | docs | gold clusters | predicted clusters | B3 P | B3 R | B3 F1 |",
              "|---|---|---|---|---|---|---|---|"]
    rows: list[str] = []
    sweeps: list[str] = []
    jobs = []
    if args.data:
        topics = set(args.topics.split(",")) if args.topics else None
        items = read_ecb(args.data, topics)
        arts = [a for a, _, _ in items]
        golds = {"topic": {a.id: t for a, t, _ in items}, "sub-topic": {a.id: s for a, _, s in items}}
        jobs.append(("ECB+", arts, golds))
    if args.wikiref:
        items = read_wikiref(args.wikiref)
        jobs.append(("WikiRef220", [a for a, _ in items], {"topic": {a.id: l for a, l in items}}))
    for name, arts, golds in jobs:
        t0 = time.time()
        reps = prepare(arts, config)
        t1 = time.time()
        ids = [a.id for a in arts]
        pred = run_clustering(reps, ids, args.threshold, args.incremental)
        rows += report(name + (" (incremental)" if args.incremental else ""), pred, golds)
        print(f"{name}: {len(arts)} docs, pipeline {t1 - t0:.1f}s, clustering {time.time() - t1:.1f}s", file=sys.stderr)
        if args.sweep:
            for t in [0.30, 0.35, 0.40, 0.44, 0.48, 0.52, 0.56, 0.60, 0.65]:
                p2 = run_clustering(reps, ids, t, args.incremental)
                for gname, gold in golds.items():
                    p, r, f = bcubed(p2, gold)
                    sweeps.append(f"| {name} | {gname} | {t:.2f} | {len(set(p2.values()))} | {p:.3f} | {r:.3f} | {f:.3f} |")
    print("\n".join(header + rows))
    if sweeps:
        print("\n| corpus | gold | threshold | clusters | B3 P | B3 R | B3 F1 |\n|---|---|---|---|---|---|---|")
        print("\n".join(sweeps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
