"""Cross-validated PLOVER figures: the tune part read as unseen text, through the product.

    PYTHONPATH=src .venv/bin/python benchmarks/events_plover_cv.py \
        --data ../shared/data/plover-gsr/gold_standard_records/PLOVER_GSR_CAMEO.txt [--folds 5] [--workdir DIR]

The shipped model has the PLOVER tune sentences in its training data, so benchmarks/events_plover.py
reads them in-sample. Here the tune sentences are cut into N folds (a fixed sha1, train_event_model.
plover_fold); for each fold the whole training procedure (scripts/train_event_model.py, thresholds
included) runs without that fold's sentences, and `storylens analyze` codes the fold's sentences with
that model (STORYLENS_EVENT_MODEL). The figures over all folds are what a user gets on PLOVER-style
text the model never saw, without touching the score part. Extra arguments after `--` go to the
training script (e.g. `-- --C 32 --features both` to skip the search over C and feature sets).
Models are kept under the work directory and reused when present (--retrain to rebuild).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))
from events_plover import load_records, score  # noqa: E402
from events_product import analyze_sentences, part  # noqa: E402
from train_event_model import plover_fold  # noqa: E402


def main(argv=None) -> dict:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--retrain", action="store_true", help="rebuild the fold models even when present")
    ap.add_argument("--show-errors", action="store_true", help="print the misses (all are tune-part sentences)")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="storylens-events-cv-"))
    work.mkdir(parents=True, exist_ok=True)
    by_text: dict[str, list[dict]] = defaultdict(list)
    for r in load_records(args.data):
        by_text[r["text"].strip()].append(r)
    tune = [t for t in by_text if part(t) == "tune"]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    texts, preds, per_fold = [], [], {}
    for k in range(args.folds):
        model = work / f"fold{k}.npz"
        if args.retrain or not model.exists():
            cmd = [sys.executable, str(ROOT / "scripts" / "train_event_model.py"), "--out", str(model),
                   "--exclude-plover-fold", str(k), str(args.folds)] + extra
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            (work / f"fold{k}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
            if proc.returncode != 0:
                raise SystemExit(f"training fold {k} failed:\n{proc.stderr[-3000:]}")
        fold = [t for t in tune if plover_fold(t, args.folds) == k]
        os.environ["STORYLENS_EVENT_MODEL"] = str(model)
        try:
            got, _ = analyze_sentences(fold, [by_text[t][0].get("date") for t in fold], work / f"run{k}")
        finally:
            os.environ.pop("STORYLENS_EVENT_MODEL", None)
        per_fold[k] = score(fold, by_text, got)
        print(f"fold {k}: {json.dumps(per_fold[k])}", flush=True)
        texts += fold
        preds += got
    res = {"cv_tune": score(texts, by_text, preds, show_errors=args.show_errors), "folds": args.folds,
           "train_args": extra, "workdir": str(work)}
    print(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
