"""Story and topic grouping quality through `storylens analyze`: B-cubed P / R / F1 on ECB+ (and WikiRef220).

    .venv/bin/python benchmarks/stories_ecb.py --data ../shared/data/ecbplus --topics 1-35
    .venv/bin/python benchmarks/stories_ecb.py --data /path/to/ecbplus-test --topics 36-45
    .venv/bin/python benchmarks/stories_ecb.py --data ../shared/data/ecbplus --topics 1-35 --incremental
    .venv/bin/python benchmarks/stories_ecb.py --wikiref ../shared/data/wikiref

Each ECB+ document is written as a text file, the folder goes through `storylens analyze` (the
command a user runs), and the scores are read from the `stories` (with their `topic`) of
analysis.json. ``--incremental`` runs `analyze` twice on one store: every other document first,
then the rest, so the second run places articles into saved stories and topics.

ECB+ gold: topic (e.g. 1, the kind of event) and sub-topic (topic + ecb|ecbplus: two different
real-world events of that kind) — a storylens topic and story. In ecbplus files sentence 0 is the
source URL and is left out. The grouping models are trained on topics 1-35 (scripts/train_stories.py,
cross-validated by topic; its out-of-fold figures are the honest estimate for 1-35); topics 36-45
are the held-out test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "stories.md"


def topic_range(spec: str | None) -> set[str] | None:
    if not spec:
        return None
    out: set[str] = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.update(str(i) for i in range(int(a), int(b) + 1))
        elif part.strip():
            out.add(part.strip())
    return out


def _detok(s: str) -> str:
    s = s.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    s = re.sub(r" ([,.;:!?%)\]'])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d)\b", r"\1", s)
    return s


def read_ecb(data: Path, topics: set[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(doc name, text, topic, sub-topic) for every ECB+ document of the chosen topics."""
    out = []
    base = data / "ECB+" if (data / "ECB+").is_dir() else data
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
        out.append((f.stem, text, topic, f"{topic}{'plus' if plus else 'ecb'}"))
    return out


def gold_of(name: str) -> tuple[str, str]:
    """Topic and sub-topic from an ECB+ file name such as 12_3ecbplus."""
    m = re.fullmatch(r"(\d+)_\d+(ecbplus|ecb)", name)
    if not m:
        raise ValueError(name)
    return m.group(1), m.group(1) + ("plus" if m.group(2) == "ecbplus" else "ecb")


def write_docs(items, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text, _, _ in items:
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")


def read_wikiref(data: Path) -> list[tuple[str, str, str, str]]:
    out = []
    folder = data / "WikiRef220" if (data / "WikiRef220").is_dir() else data
    for f in sorted(folder.glob("*.txt")):
        label = re.sub(r"\s*\(\d+\)$", "", f.stem)
        label = re.sub(r"\.\d+$", "", label)
        text = f.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            out.append((re.sub(r"\W+", "_", f.stem), text, label, label))
    return out


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pc, gc = defaultdict(set), defaultdict(set)
    for k, v in pred.items():
        pc[v].add(k)
    for k, v in gold.items():
        gc[v].add(k)
    p = r = 0.0
    for k in pred:
        inter = len(pc[pred[k]] & gc[gold[k]])
        p += inter / len(pc[pred[k]])
        r += inter / len(gc[gold[k]])
    n = max(1, len(pred))
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def analyze(paths: list[Path], out: Path) -> dict:
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", *map(str, paths), "--out", str(out), "--no-report",
           "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if res.returncode not in (0, 3):
        raise SystemExit(f"storylens analyze failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return json.loads((out / "analysis.json").read_text(encoding="utf-8"))


def predicted(analysis: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Document name → predicted story id and topic id, read from analysis.json."""
    name_of = {a["id"]: Path(a["source_path"]).stem for a in analysis["articles"]}
    story, topic = {}, {}
    for s in analysis["stories"]:
        for aid in s["article_ids"]:
            story[name_of[aid]] = s["id"]
            topic[name_of[aid]] = s.get("topic") or s["id"]
    # a near-duplicate is reported as a copy of a stored article: it belongs where its original is
    for a in analysis["articles"]:
        orig = name_of.get(a.get("duplicate_of") or "")
        if name_of[a["id"]] not in story and orig in story:
            story[name_of[a["id"]]] = story[orig]
            topic[name_of[a["id"]]] = topic[orig]
    return story, topic


def run(name: str, items, work: Path, incremental: bool, score_only: bool = False) -> list[str]:
    docs = work / "docs"
    write_docs(items, docs)
    out = work / "out"
    t0 = time.time()
    if score_only:
        analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    elif incremental:
        first, second = work / "first", work / "second"
        write_docs(items[::2], first)
        write_docs(items[1::2], second)
        analyze([first], out)
        analysis = analyze([second], out)
    else:
        analysis = analyze([docs], out)
    took = time.time() - t0
    story, topic = predicted(analysis)
    names = [n for n, _, _, _ in items]
    missing = [n for n in names if n not in story]
    for n in missing:        # a document the product dropped counts as a singleton
        story[n] = topic[n] = "missing:" + n
    gold_t = {n: t for n, _, t, _ in items}
    gold_s = {n: s for n, _, _, s in items}
    rows = []
    label = name + (" (incremental)" if incremental else "")
    for gname, pred, gold in (("topic", topic, gold_t), ("sub-topic (story)", story, gold_s)):
        p, r, f = bcubed(pred, gold)
        rows.append(f"| {label} | {gname} | {len(names)} | {len(set(gold.values()))} | {len(set(pred.values()))} "
                    f"| {p:.3f} | {r:.3f} | {f:.3f} |")
    print(f"{label}: {len(names)} docs, analyze {took:.0f}s, {len(missing)} in no story (scored as singletons)",
          file=sys.stderr)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="ECB+ folder (contains ECB+/)")
    ap.add_argument("--topics", help="ECB+ topics, e.g. 1-35 or 36-45 or 2,5,12 (default: all present)")
    ap.add_argument("--wikiref", type=Path, help="WikiRef folder (contains WikiRef220/)")
    ap.add_argument("--incremental", action="store_true", help="analyze every other document first, then the rest")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--write", action="store_true", help=f"append the table to {RESULTS.relative_to(ROOT)}")
    ap.add_argument("--score-only", action="store_true", help="score the analysis.json already in --work")
    args = ap.parse_args(argv)
    if not args.data and not args.wikiref:
        ap.error("give --data and/or --wikiref")
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="stories-ecb-") as tmp:
        work = args.work or Path(tmp)
        if args.data:
            items = read_ecb(args.data, topic_range(args.topics))
            rows += run(f"ECB+ topics {args.topics or 'all'}", items, work / "ecb", args.incremental, args.score_only)
        if args.wikiref:
            rows += run("WikiRef220", read_wikiref(args.wikiref), work / "wikiref", args.incremental)
    table = ["| corpus | gold | docs | gold clusters | predicted clusters | B3 P | B3 R | B3 F1 |",
             "|---|---|---|---|---|---|---|---|"] + rows
    print("\n".join(table))
    if args.write:
        cmd = "python benchmarks/stories_ecb.py " + " ".join(argv if argv is not None else sys.argv[1:])
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(f"\n`{cmd}` ({dt.date.today().isoformat()})\n\n" + "\n".join(table) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
