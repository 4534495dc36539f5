"""`storylens analyze` on a hostile corpus (tests/hostile.py): no crash, no good article lost, every bad
input named with a true reason on one line of its own."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import build

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = build(root)
    out = root / "out"
    missing = root / "no_such_folder"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    res = subprocess.run([sys.executable, "-c", "from storylens.cli import app; app()", "analyze", str(corpus.root),
                          str(missing), "--out", str(out), "--no-report", "--no-progress"],
                         capture_output=True, text=True, env=env, timeout=None)
    corpus.bad[str(missing)] = "no such file"
    return corpus, out, res


def test_exit_code_and_no_traceback(hostile_run):
    corpus, out, res = hostile_run
    assert "Traceback" not in res.stdout + res.stderr, res.stderr[-3000:]
    assert res.returncode == 3, res.stdout + res.stderr[-3000:]
    assert (out / "analysis.json").exists()


def test_every_good_article_is_stored(hostile_run):
    corpus, out, res = hostile_run
    texts = [" ".join(a["text"].split()) for a in json.loads((out / "analysis.json").read_text())["articles"]]
    lost = {name: s for name, s in corpus.good.items() if not any(s in t for t in texts)}
    assert not lost, (lost, res.stderr[-3000:])


def test_no_hostile_markup_reaches_an_article(hostile_run):
    corpus, out, _ = hostile_run
    blob = (out / "analysis.json").read_text()
    for m in corpus.markers:
        assert m not in blob


def test_every_bad_input_is_named_with_its_reason(hostile_run):
    corpus, out, res = hostile_run
    lines = res.stderr.splitlines()
    missing = {}
    for path, why in corpus.bad.items():
        hits = [ln for ln in lines if ln.startswith(f"skipped {path}: ")]
        if not any(why in ln[len(f"skipped {path}: "):] for ln in hits):
            missing[path] = (why, hits)
    assert not missing, missing


def test_each_output_line_is_one_reason(hostile_run):
    """A newline in a file name must not forge lines; every line on stderr is one skipped input."""
    corpus, out, res = hostile_run
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines and all(ln.startswith("skipped ") for ln in lines), [ln for ln in lines if not ln.startswith("skipped ")]
    assert not any("\x1b" in ln for ln in lines)
    forged = [ln for ln in lines if ln.startswith("skipped forged.txt")]
    assert not forged
