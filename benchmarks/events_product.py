"""Shared by the event benchmarks: run sentences through the product as a user does, and the fixed split.

`analyze_sentences(texts)` writes one JSONL record per sentence (text, url "urn:item:<n>", optional
published date), runs `storylens analyze FILE --out DIR --no-report` in a subprocess, and returns, per
input sentence, the list of analysis.json event objects of the article made from it. A sentence the
product dropped (cleaner, deduplication) has no article: it gets None and counts as a miss.

`part(key)`: "tune" or "score" by a fixed hash of the item key (sha1), the same on every machine.
Only the tune part may be looked at or fitted on; the score part is only counted.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE_SHARE = 4  # one item in SCORE_SHARE goes to the score part


def part(key: str) -> str:
    h = int(hashlib.sha1(key.strip().encode("utf-8")).hexdigest()[:8], 16)
    return "score" if h % SCORE_SHARE == 0 else "tune"


def storylens_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("storylens")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "storylens.cli"]


def analyze_sentences(texts: list[str], dates: list[str | None] | None = None, workdir: Path | None = None,
                      keep: bool = False) -> tuple[list[list[dict] | None], dict]:
    work = Path(workdir or tempfile.mkdtemp(prefix="storylens-events-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "sentences.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            rec = {"url": f"urn:item:{i}", "text": t}
            if dates and dates[i]:
                rec["published"] = dates[i]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out = work / "out"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = storylens_cmd() + ["analyze", str(src), "--out", str(out), "--no-report", "--no-progress"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"storylens analyze failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    an = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    by_art: dict[str, list[dict]] = {}
    for e in an.get("events", []):
        by_art.setdefault(e["article_id"], []).append(e)
    per_item: list[list[dict] | None] = [None] * len(texts)
    for a in an.get("articles", []):
        url = a.get("url") or ""
        if url.startswith("urn:item:") and a.get("duplicate_of") is None:
            i = int(url.rsplit(":", 1)[1])
            per_item[i] = by_art.get(a["id"], [])
    info = {"dropped": sum(1 for x in per_item if x is None), "workdir": str(work)}
    return per_item, info


def penta(cameo: str | None, etype: str | None = None) -> int:
    """CAMEO PentaClass of an event code (01-02 -> 0, 03-05 -> 1, 06-08 -> 2, 09-13 and 16 -> 3, the rest of
    14-20 -> 4): the product's own reading (storylens.annotate.event_model.cameo_class)."""
    sys.path.insert(0, str(ROOT / "src"))
    from storylens.annotate.event_model import cameo_class

    return cameo_class(cameo, etype)
