"""Quote extraction on PolNeAR (political news attribution relations, brat standoff), through the CLI.

    .venv/bin/python benchmarks/quotes_polnear.py --data ../shared/data/polnear/data/dev [--half tune|score] [--limit N]

The article texts are written to files, `storylens analyze` runs on them, and the quotes are
read back from analysis.json (cleaned-text offsets are mapped back to the raw files). --data
takes a split folder (with text/ and attributions/), or the corpus root together with --split.
Every relation of the first annotator (by file name) of each article is gold. Articles fall in
a tune or a score half by the sha1 of their file name (`dev_half`); the trained attribution
model's thresholds are chosen on the tune half only; figures are printed for both halves.

Scoring:
- content: a predicted quote (direct, partial or indirect; scare quotes are not attributions)
  matches a gold content span when their overlap covers at least 50% of both (of the longer
  one); gold and predictions are paired one-to-one, best overlap first. A partial quote that
  lies inside a predicted indirect quote is the same attribution and is not counted twice;
  consecutive parts of a direct quotation carried by one attribution ("“…,” he said, “…”", and
  the paragraphs that go on with it) count as one relation made of those fragments (the words
  between them not included), as PolNeAR annotates them.
- named-source accuracy: among content matches whose gold source names someone (a capitalised
  word that is no pronoun or determiner), the share whose source matches as below.
- content+source: a content match whose predicted source span (speaker_text, or any mention of
  the entity the speaker resolved to) overlaps the gold source span; a gold relation with no
  source matches a prediction with no speaker.
- direct / indirect: gold content mostly (>= 80%) inside quotation marks is direct, the rest
  indirect; recall is split by the gold class, precision by the predicted class (direct vs
  partial+indirect).
- textacy's ``direct_quotations`` runs on the same texts as a peer baseline when a separate
  venv with textacy exists (--textacy-python, or benchmarks/.venv-textacy, or /tmp/textacy-venv).
"""
from __future__ import annotations

import argparse
import bisect
import difflib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storylens.annotate.quote_marks import find_mark_spans  # noqa: E402
from storylens.config import Config  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear" / "data"
TEXTACY_CANDIDATES = [ROOT / "benchmarks" / ".venv-textacy" / "bin" / "python", Path("/tmp/textacy-venv/bin/python")]


@dataclass
class Rel:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]]
    cls: str = "indirect"


@dataclass
class Pred:
    content: list[tuple[int, int]] | tuple[int, int]   # fragments: the parts of one split quotation
    sources: list[tuple[int, int]] = field(default_factory=list)
    cls: str = "indirect"
    has_speaker: bool = False


def split_dir(data: Path, split: str) -> Path:
    for cand in (data, data / split, data / "data" / split):
        if (cand / "text").is_dir() and (cand / "attributions").is_dir():
            return cand
    raise SystemExit(f"no PolNeAR split under {data} (looked for text/ and attributions/)")


def _spans(field_: str) -> list[tuple[int, int]]:
    out = []
    for part in field_.split(";"):
        a, b = part.split()[-2:]
        out.append((int(a), int(b)))
    return out


def read_gold(ann: Path) -> list[Rel]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label = parts[1].split(" ", 1)[0]
            spans[parts[0]] = (label, _spans(parts[1].split(" ", 1)[1]))
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(p.split(":", 1) for p in parts[1].split() if ":" in p))
    out = []
    for r in rels:
        if "Content" not in r or r["Content"] not in spans:
            continue
        src = spans.get(r.get("Source", ""), ("", []))[1]
        out.append(Rel(content=spans[r["Content"]][1], source=src))
    return out


def quoted_mask(text: str) -> bytearray:
    mask = bytearray(len(text))
    for m in find_mark_spans(text):
        if not m.single:
            mask[m.open:m.close] = b"\x01" * (m.close - m.open)
    return mask


def classify(rel: Rel, text: str, mask: bytearray) -> str:
    chars = [i for a, b in rel.content for i in range(a, b) if not text[i].isspace()]
    if not chars:
        return "indirect"
    return "direct" if sum(mask[i] for i in chars) >= 0.8 * len(chars) else "indirect"


def _len(spans) -> int:
    return sum(b - a for a, b in spans)


def _inter(spans, a: int, b: int) -> int:
    return sum(max(0, min(b, y) - max(a, x)) for x, y in spans)


def _touch(xs, ys) -> bool:
    return any(min(b, y) > max(a, x) for a, b in xs for x, y in ys)


def match(gold: list[Rel], preds: list[Pred]) -> list[tuple[int, int]]:
    cands = []
    for gi, g in enumerate(gold):
        gl = _len(g.content)
        for pi, p in enumerate(preds):
            frags = p.content if isinstance(p.content, list) else [p.content]
            inter = sum(_inter(g.content, a, b) for a, b in frags)
            pl = _len(frags)
            if inter and inter >= 0.5 * max(gl, pl):
                cands.append((inter / max(gl, pl), gi, pi))
    cands.sort(reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _s, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


class Tally:
    def __init__(self):
        self.c = {}

    def add(self, key, n=1):
        self.c[key] = self.c.get(key, 0) + n

    def prf(self, tp_p, n_p, tp_r, n_r):
        p = self.c.get(tp_p, 0) / max(1, self.c.get(n_p, 0))
        r = self.c.get(tp_r, 0) / max(1, self.c.get(n_r, 0))
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


_NOT_NAMES = {"he", "she", "they", "it", "i", "we", "you", "the", "a", "an", "his", "her", "their", "its", "this",
              "that", "these", "those", "our", "my", "some", "many", "one", "two", "both", "several", "most", "all"}


def _named(text: str, spans) -> bool:
    """A gold source naming a person or organisation: a capitalised word that is no pronoun or determiner."""
    words = [w for a, b in spans for w in text[a:b].split()]
    return any(w[:1].isupper() and w.lower().strip(".,’'s") not in _NOT_NAMES for w in words)


def score(docs: list[tuple[str, list[Rel], list[Pred]]], tally: Tally) -> None:
    for _text, gold, preds in docs:
        pairs = match(gold, preds)
        for g in gold:
            tally.add(f"gold:{g.cls}")
            tally.add("gold:all")
        for p in preds:
            tally.add(f"pred:{p.cls}")
            tally.add("pred:all")
        for gi, pi in pairs:
            g, p = gold[gi], preds[pi]
            src_ok = (not g.source and not p.has_speaker) or (bool(g.source) and _touch(p.sources, g.source))
            if _named(_text, g.source):
                tally.add("named:n")
                tally.add("named:ok", int(src_ok))
            for key, ok in (("content", True), ("source", src_ok)):
                if not ok:
                    continue
                tally.add(f"{key}:tp_gold:{g.cls}")
                tally.add(f"{key}:tp_gold:all")
                tally.add(f"{key}:tp_pred:{p.cls}")
                tally.add(f"{key}:tp_pred:all")


def dev_half(name: str) -> str:
    """The fixed split: 'tune' or 'score' by the sha1 of the article's file name (as in
    scripts/train_attribution.py, which chooses its thresholds on the tune half)."""
    return "tune" if int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "score"


def _offset_map(clean: str, raw: str):
    """Map offsets in the cleaned text back to the raw file (cleaning may change whitespace)."""
    sm = difflib.SequenceMatcher(None, clean, raw, autojunk=False)
    blocks = sm.get_matching_blocks()
    starts = [b.a for b in blocks]

    def to_raw(pos: int) -> int:
        i = max(0, bisect.bisect_right(starts, pos) - 1)
        b = blocks[i]
        return b.b + min(pos - b.a, b.size)
    return to_raw


def storylens_cli(texts: dict[str, str], workdir: Path, reuse: bool = False
                  ) -> tuple[dict[str, list[Pred]], dict[str, list[dict]], float]:
    """Run `storylens analyze` on the texts written as files; predictions from analysis.json."""
    inp, out = workdir / "in", workdir / "out"
    dt = 0.0
    if not (reuse and (out / "analysis.json").exists()):
        inp.mkdir(parents=True, exist_ok=True)
        for name, t in texts.items():
            (inp / f"{name}.txt").write_text(t, encoding="utf-8")
        exe = Path(sys.executable).parent / "storylens"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from storylens.cli import main; main()"]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
        t0 = time.perf_counter()
        res = subprocess.run(cmd + ["analyze", str(inp), "--out", str(out), "--no-report", "--no-progress"],
                             env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if res.returncode not in (0, 3):
            raise SystemExit(f"storylens analyze failed ({res.returncode}):\n{res.stderr[-3000:]}")
    an = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    by_id = {}
    for a in an["articles"]:
        by_id[a["id"]] = (Path(a["source_path"]).stem, a["text"])
    mentions: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for ac in an["actors"]:
        for m in ac["mentions"]:
            mentions.setdefault((ac["id"], m["article_id"]), []).append((m["start"], m["end"]))
    maps = {aid: _offset_map(t, texts[name]) for aid, (name, t) in by_id.items() if name in texts}
    preds: dict[str, list[Pred]] = {name: [] for name in texts}
    quotes: dict[str, list[dict]] = {name: [] for name in texts}
    raw_by_article: dict[str, list[dict]] = {}
    for q in an["quotes"]:
        raw_by_article.setdefault(q["article_id"], []).append(q)
    for aid, qs in raw_by_article.items():
        if aid not in maps:
            continue
        name, to_raw = by_id[aid][0], maps[aid]
        qs = sorted(qs, key=lambda q: (q["start"], q["end"]))
        quotes[name] = qs
        keep = [q for q in qs if q["kind"] != "scare"]
        indirect = [(q["start"], q["end"]) for q in keep if q["kind"] != "direct" and q["kind"] != "partial"]
        last = None
        for q in keep:
            if q["kind"] == "partial" and any(a <= q["start"] and q["end"] <= b for a, b in indirect):
                continue
            sp = (q.get("speaker_start"), q.get("speaker_end"))
            if (last is not None and q["kind"] == "direct" and last["kind"] == "direct" and sp[0] is not None
                    and (sp, q.get("cue")) == ((last.get("speaker_start"), last.get("speaker_end")), last.get("cue"))
                    and q["start"] - last["end"] <= 300):
                # The parts of one quotation split by its attribution ("“…,” he said, “…”") are one relation.
                preds[name][-1].content.append((to_raw(q["start"]), to_raw(q["end"])))
                last = q
                continue
            last = q
            sources = []
            if sp[0] is not None:
                sources.append((to_raw(sp[0]), to_raw(sp[1])))
            for key in [q.get("speaker")] + list(q.get("speakers") or []):
                for a, b in mentions.get((key, aid), []) if key else []:
                    sources.append((to_raw(a), to_raw(b)))
            preds[name].append(Pred([(to_raw(q["start"]), to_raw(q["end"]))], sources,
                                    "direct" if q["kind"] == "direct" else "indirect",
                                    q.get("speaker_text") is not None))
    return preds, quotes, dt


TEXTACY_SCRIPT = r"""
import json, sys
import spacy
from textacy.extract import triples
nlp = spacy.load(sys.argv[1])
for line in sys.stdin:
    item = json.loads(line)
    doc = nlp(item["text"])
    out = []
    try:
        for q in triples.direct_quotations(doc):
            out.append({"content": [q.content.start_char, q.content.end_char],
                        "speaker": [[t.idx, t.idx + len(t)] for t in q.speaker]})
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps({"name": item["name"], "quotes": out}), flush=True)
"""


def textacy_python(arg: str | None) -> Path | None:
    if arg:
        return Path(arg) if Path(arg).exists() else None
    return next((p for p in TEXTACY_CANDIDATES if p.exists()), None)


def textacy_preds(py: Path, texts: dict[str, str], model: str) -> tuple[dict[str, list[Pred]], int]:
    payload = "".join(json.dumps({"name": n, "text": t}) + "\n" for n, t in texts.items())
    res = subprocess.run([str(py), "-c", TEXTACY_SCRIPT, model], input=payload, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-2000:])
    out, errors = {}, 0
    for line in res.stdout.splitlines():
        item = json.loads(line)
        if isinstance(item["quotes"], dict):
            errors += 1
            out[item["name"]] = []
            continue
        out[item["name"]] = [Pred(tuple(q["content"]), [tuple(s) for s in q["speaker"]], "direct", bool(q["speaker"]))
                             for q in item["quotes"]]
    return out, errors


def report(name: str, tally: Tally) -> list[str]:
    rows = [f"{name}", f"  {'':10s} {'metric':16s} {'P':>6s} {'R':>6s} {'F1':>6s}   (gold / predicted)"]
    for cls in ("direct", "indirect", "all"):
        for key, label in (("content", "content"), ("source", "content+source")):
            p, r, f = tally.prf(f"{key}:tp_pred:{cls}", f"pred:{cls}", f"{key}:tp_gold:{cls}", f"gold:{cls}")
            rows.append(f"  {cls:10s} {label:16s} {p:6.3f} {r:6.3f} {f:6.3f}   "
                        f"({tally.c.get(f'gold:{cls}', 0)} / {tally.c.get(f'pred:{cls}', 0)})")
    return rows


def summary(tally: Tally) -> str:
    dp, dr, df = tally.prf("content:tp_pred:direct", "pred:direct", "content:tp_gold:direct", "gold:direct")
    ap_, ar, af = tally.prf("content:tp_pred:all", "pred:all", "content:tp_gold:all", "gold:all")
    named = tally.c.get("named:ok", 0) / max(1, tally.c.get("named:n", 0))
    return (f"  direct P/R/F1 {dp:.3f} / {dr:.3f} / {df:.3f}   all attributions P/R {ap_:.3f} / {ar:.3f}   "
            f"named-source accuracy {named:.3f} ({tally.c.get('named:n', 0)} matched named sources)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a PolNeAR split folder, or the corpus root with --split")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--half", choices=("tune", "score", "all"), default="all",
                    help="only the tune or score half of the fixed sha1 split (default: run all, report each half)")
    ap.add_argument("--workdir", type=Path, default=None, help="where to write the input files and the output")
    ap.add_argument("--reuse", action="store_true", help="score WORKDIR/out/analysis.json again without running analyze")
    ap.add_argument("--textacy-python", default=None, help="python of a venv with textacy (default: look for one)")
    ap.add_argument("--no-textacy", action="store_true")
    ap.add_argument("--spacy-model", default=None)
    args = ap.parse_args(argv)

    d = split_dir(args.data, args.split)
    config = Config()
    if args.spacy_model:
        config.spacy_model = args.spacy_model
    texts, golds = {}, {}
    for txt in sorted((d / "text").glob("*.txt")):
        anns = sorted((d / "attributions").glob(txt.stem + "_*.ann"))
        if not anns or args.half != "all" and dev_half(txt.stem) != args.half:
            continue
        text = txt.read_text(encoding="utf-8")
        gold = read_gold(anns[0])
        mask = quoted_mask(text)
        for g in gold:
            g.cls = classify(g, text, mask)
        texts[txt.stem], golds[txt.stem] = text, gold
        if args.limit and len(texts) >= args.limit:
            break
    n_words = sum(len(t.split()) for t in texts.values())
    print(f"PolNeAR {d} : {len(texts)} articles, {n_words} words, "
          f"{sum(len(g) for g in golds.values())} gold attributions")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storylens-quotes-"))
    preds, _quotes, dt = storylens_cli(texts, workdir, args.reuse)
    halves = {"all": list(texts)}
    if args.half == "all":
        halves = {"tune": [n for n in texts if dev_half(n) == "tune"],
                  "score": [n for n in texts if dev_half(n) == "score"], "all": list(texts)}
    for half, names in halves.items():
        tally = Tally()
        score([(texts[n], golds[n], preds[n]) for n in names], tally)
        print()
        print("\n".join(report(f"storylens analyze, {half} half: {len(names)} articles, "
                               f"{sum(len(golds[n]) for n in names)} gold ({dt:.1f} s for the whole run)", tally)))
        print(summary(tally))

    if args.no_textacy:
        return 0
    py = textacy_python(args.textacy_python)
    if py is None:
        print("\ntextacy baseline: skipped (no venv with textacy found; looked at "
              + ", ".join(str(p) for p in TEXTACY_CANDIDATES) + ")")
        return 0
    try:
        tpreds, errors = textacy_preds(py, texts, config.spacy_model)
    except Exception as exc:  # the baseline is optional; its failure must not hide our figures
        print(f"\ntextacy baseline: failed ({exc})")
        return 0
    ttally = Tally()
    score([(texts[n], golds[n], tpreds.get(n, [])) for n in texts], ttally)
    print()
    print("\n".join(report(f"textacy.extract.triples.direct_quotations ({py}; {errors} articles raised errors)", ttally)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
