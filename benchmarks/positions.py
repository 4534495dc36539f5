"""Positions on a hand-annotated gold set from PolNeAR, through the product's own path.

    .venv/bin/python benchmarks/positions.py [--data ../shared/data/polnear/data/dev] [--write]

The articles: the PolNeAR dev texts of 1,200 to 3,000 characters, ordered by the SHA-1 of their
file name, first sixteen (benchmarks/gold/README.md says how they were annotated). They are written
to a temporary folder, analysed with `storylens analyze`, and the `positions` of analysis.json
are scored against benchmarks/gold/positions_polnear.jsonl.

A prediction matches a gold position when it is in the same article, its span overlaps the gold
span, its actor is the gold actor (canonical name, alias or, for people, the surname, against any
of the gold's accepted names) and its stance is the same; pairs are one-to-one. Also reported:
the same without the stance (did we find the statement and its holder), and stance accuracy on
those pairs. Every predicted position in these articles counts for precision.

Tune / score split: by the SHA-1 of the file name (even first byte: tune). Only the tune part's
misses were looked at while developing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear" / "data" / "dev"
GOLD = ROOT / "benchmarks" / "gold" / "positions_polnear.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "positions.md"
N_ARTICLES = 16
MIN_CHARS, MAX_CHARS = 1200, 3000


def select(text_dir: Path) -> list[Path]:
    files = [p for p in sorted(text_dir.glob("*.txt")) if MIN_CHARS <= len(p.read_text(encoding="utf-8")) <= MAX_CHARS]
    files.sort(key=lambda p: hashlib.sha1(p.name.encode()).hexdigest())
    return files[:N_ARTICLES]


def part(name: str) -> str:
    return "tune" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "score"


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode().lower()
    return " ".join(s.replace("’", "'").split())


def actor_ok(gold_names: list[str], names: list[str], is_person: bool) -> bool:
    names = [fold(n) for n in names if n]
    for g in map(fold, gold_names):
        for n in names:
            if n == g or (len(n) > 3 and (n in g or g in n)):
                return True
            if is_person and n.split() and g.split() and n.split()[-1] == g.split()[-1]:
                return True
    return False


def locate(text: str, span: str) -> tuple[int, int] | None:
    k = text.find(span)
    if k >= 0:
        return k, k + len(span)
    # cleaning may have changed quotes or spacing: match on a per-character folded copy with an offset map
    def chars(s):
        for i, ch in enumerate(s):
            f = " " if ch.isspace() else unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode().lower()
            for c in f:
                yield i, c
    flat = list(chars(text))
    needle = "".join(c for _, c in chars(span))
    k = "".join(c for _, c in flat).find(needle)
    if k < 0 or not needle:
        return None
    return flat[k][0], flat[k + len(needle) - 1][0] + 1


def run(data: Path, workdir: Path) -> dict:
    files = select(data / "text" if (data / "text").is_dir() else data)
    src = workdir / "in"
    src.mkdir()
    for f in files:
        (src / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    out = workdir / "out"
    t0 = time.time()
    r = subprocess.run([sys.executable, "-m", "storylens.cli", "analyze", str(src), "--out", str(out),
                        "--no-report", "--no-progress"], capture_output=True, text=True,
                       env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    seconds = time.time() - t0
    if r.returncode not in (0, 3):
        raise SystemExit(f"analyze failed ({r.returncode}): {r.stderr[-2000:]}")
    an = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    names = {f.name for f in files}
    art_file = {a["id"]: Path(a["source_path"]).name for a in an["articles"]}
    texts = {Path(a["source_path"]).name: a["text"] for a in an["articles"]}
    actors = {a["id"]: a for a in an["actors"]}
    gold = [json.loads(ln) for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln.strip()]
    gold = [g for g in gold if g["file"] in names]
    preds = [p for p in an["positions"] if art_file.get(p["article_id"]) in names]
    unlocated = []
    for g in gold:
        g["loc"] = locate(texts.get(g["file"], ""), g["span"])
        if g["loc"] is None:
            unlocated.append(g)

    def matches(p, g, with_stance: bool) -> bool:
        if art_file[p["article_id"]] != g["file"] or g["loc"] is None:
            return False
        if not (p["start"] < g["loc"][1] and g["loc"][0] < p["end"]):
            return False
        ac = actors.get(p["actor_id"], {})
        if not actor_ok(g["actor"], [ac.get("name", p["actor_id"]), p["actor_id"].replace("-", " "),
                                     *ac.get("aliases", [])], ac.get("type") == "PERSON"):
            return False
        return not with_stance or p["stance"] == g["stance"]

    for g in unlocated:
        print("gold span not in the cleaned text:", g["file"], g["span"][:80], file=sys.stderr)
    report = {"files": [f.name for f in files], "seconds": round(seconds, 1), "unlocated": len(unlocated)}
    for split in ("tune", "score", "all"):
        gs = [g for g in gold if split == "all" or part(g["file"]) == split]
        ps = [p for p in preds if split == "all" or part(art_file[p["article_id"]]) == split]
        row = {"articles": sum(1 for f in files if split == "all" or part(f.name) == split),
               "gold": len(gs), "predicted": len(ps)}
        for mode, with_stance in (("actor+stance+span", True), ("actor+span", False)):
            used: set[int] = set()
            pairs = []
            for g in gs:
                for i, p in enumerate(ps):
                    if i not in used and matches(p, g, with_stance):
                        used.add(i)
                        pairs.append((g, p))
                        break
            tp = len(pairs)
            prec = tp / len(ps) if ps else 0.0
            rec = tp / len(gs) if gs else 0.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            row[mode] = {"tp": tp, "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3)}
            if not with_stance:
                row["stance_accuracy_on_found"] = round(sum(p["stance"] == g["stance"] for g, p in pairs) / tp, 3) \
                    if tp else None
        report[split] = row
    report["predictions"] = [{"file": art_file[p["article_id"]], "part": part(art_file[p["article_id"]]),
                              "actor": p["actor_id"], "stance": p["stance"], "issue": p["issue"], "value": p["value"],
                              "voice": p["voice"], "text": p["text"]} for p in preds]
    return report


def write_results(rep: dict, command: str) -> None:
    lines = ["## Positions (PolNeAR, hand-annotated gold)", "",
             f"Command: `{command}`  ", f"Date: {dt.date.today().isoformat()}  ",
             f"Path: `storylens analyze` on the {len(rep['files'])} article files, then `positions` from analysis.json "
             f"({rep['seconds']} s for the whole analyze run on a shared 2-core machine).  ",
             "Gold: benchmarks/gold/positions_polnear.jsonl (annotation rules in benchmarks/gold/README.md). "
             "Split by SHA-1 of the file name; only the tune part's misses were looked at.", "",
             "| part | articles | gold | predicted | P (actor+stance+span) | R | F1 | P (actor+span) | R | stance acc. on found |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for split in ("tune", "score", "all"):
        r = rep[split]
        a, b = r["actor+stance+span"], r["actor+span"]
        lines.append(f"| {split} | {r['articles']} | {r['gold']} | {r['predicted']} | {a['precision']:.2f} | "
                     f"{a['recall']:.2f} | {a['f1']:.2f} | {b['precision']:.2f} | {b['recall']:.2f} | "
                     f"{r['stance_accuracy_on_found'] if r['stance_accuracy_on_found'] is not None else '–'} |")
    lines += ["", f"Gold spans not found in the cleaned text: {rep['unlocated']}. The set is small "
                  f"({rep['all']['gold']} positions, {rep['score']['gold']} in the score part): one item moves recall "
                  f"on the score part by about {1 / max(1, rep['score']['gold']):.2f}, so read these as a first measure. The stance "
                  "cues are lexicon rows matched on the parse, not a trained model: no data set at hand labels the "
                  "stance of an actor toward an option.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--write", action="store_true", help="write benchmarks/results/positions.md")
    ap.add_argument("--show", choices=("tune", "all"), default=None,
                    help="print the predictions of the tune part (or all) for inspection")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="storylens-positions-") as tmp:
        rep = run(args.data, Path(tmp))
    for split in ("tune", "score", "all"):
        print(split, json.dumps(rep[split]))
    if args.show:
        for p in rep["predictions"]:
            if args.show == "all" or p["part"] == "tune":
                print(p)
    if args.write:
        write_results(rep, "python benchmarks/positions.py --write")
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
