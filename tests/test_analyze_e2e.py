"""End to end: `storylens analyze` on the shipped demo corpus, re-runs, new files, bad input."""
import json
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from conftest import DEMO
from storylens.cli import app

ARTICLE_FIELDS = {"id", "source_path", "url", "title", "outlet", "author", "published", "text", "removed",
                  "duplicate_of"}
NEW_STORY = """Keller sets date for first Lindenholm summit session

March 7, 2026

Aldorian Foreign Minister Tomas Keller said on Saturday that the first session of the Lindenholm talks would
open on March 10 with both delegations present, and that he hoped the two presidents would join them later.
Morvaine President Lena Vasko said she would attend. Dravonian President Anton Reiss has not said whether he will.
"""


def analyze(*args):
    res = CliRunner().invoke(app, ["analyze", *map(str, args), "--no-report", "--no-progress"])
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    corpus = root / "corpus"
    shutil.copytree(DEMO, corpus)
    out = root / "out"
    code, output = analyze(corpus, "--out", out)
    return corpus, out, code, output


def test_demo_articles_stored_and_exported(demo_run):
    corpus, out, code, output = demo_run
    assert code == 0, output
    assert "read 10, stored 10" in output and "duplicates 1" in output and "skipped 0" in output
    data = json.loads((out / "analysis.json").read_text())
    arts = data["articles"]
    assert len(arts) == 10
    for a in arts:
        assert ARTICLE_FIELDS <= set(a), a.keys()
        assert a["text"].strip() and a["title"] and a["outlet"]
        assert a["published"] is None or len(a["published"]) == 10
        for r in a["removed"]:
            assert {"start", "end", "text", "reason"} <= set(r) and r["end"] > r["start"]
    kinds = {a["source_path"].rsplit(".", 1)[-1] for a in arts}
    assert {"txt", "html", "gz", "rss", "jsonl"} <= kinds
    dups = [a for a in arts if a["duplicate_of"]]
    assert len(dups) == 1 and dups[0]["outlet"] == "Harbour Times"
    wire = next(a for a in arts if a["id"] == dups[0]["duplicate_of"])
    assert wire["outlet"] == "Continental Wire"
    ledger = next(a for a in arts if a["source_path"].endswith("01_northern_ledger.txt"))
    reasons = {r["reason"] for r in ledger["removed"]}
    assert {"read-time/view counter", "photo caption", "author bio", "promo for another article"} <= reasons
    assert ledger["author"] == "Jonas Weller" and ledger["published"] == "2026-03-03"
    assert "min read" not in ledger["text"] and "<script" not in json.dumps(arts)


def test_removed_spans_point_into_stored_raw(demo_run):
    _, out, _, _ = demo_run
    con = sqlite3.connect(out / "storylens.sqlite")
    rows = con.execute("SELECT raw, removed FROM articles").fetchall()
    assert len(rows) == 10
    for raw, removed in rows:
        for r in json.loads(removed):
            assert raw[r["start"]:r["end"]] == r["text"]


def test_rerun_adds_nothing_and_new_file_adds_only_it(demo_run):
    corpus, out, _, _ = demo_run
    code, output = analyze(corpus, "--out", out)
    assert code == 0 and "stored 0, unchanged 10" in output, output
    (corpus / "05_new.txt").write_text(NEW_STORY, encoding="utf-8")
    code, output = analyze(corpus, "--out", out)
    assert code == 0 and "stored 1, unchanged 10" in output, output
    arts = json.loads((out / "analysis.json").read_text())["articles"]
    assert len(arts) == 11
    new = next(a for a in arts if a["source_path"].endswith("05_new.txt"))
    assert new["title"] == "Keller sets date for first Lindenholm summit session" and new["published"] == "2026-03-07"


def test_bad_input_exit_code_3_with_reasons_and_good_files_kept(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(NEW_STORY, encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "binary.html").write_bytes(b"\x00\x01\xff" * 300)
    (folder / "cut.html").write_text("<html><body><article><p>Keller said that the talks would")
    (folder / "lines.jsonl").write_text('{"text": "%s"}\n{broken\n' % ("Vasko accepted the invitation. " * 8))
    out = tmp_path / "out"
    code, output = analyze(folder, "--out", out)
    assert code == 3, output
    skipped = [ln for ln in output.splitlines() if ln.startswith("skipped ")]
    assert len(skipped) == 4, output  # one line per bad file or record
    assert any("empty.txt: empty file" in ln for ln in skipped)
    assert any("binary.html: binary" in ln for ln in skipped)
    assert any("cut.html: truncated HTML" in ln for ln in skipped)
    assert any("lines.jsonl: line 2: malformed JSON" in ln for ln in skipped)
    assert "stored 2" in output
    con = sqlite3.connect(out / "storylens.sqlite")
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    log = con.execute("SELECT source_path, reason FROM run_log").fetchall()
    assert len(log) == 4 and {r for _, r in log} >= {"empty file", "truncated HTML: the document ends before it closes"}
    status = con.execute("SELECT status, skipped FROM runs").fetchone()
    assert status == ("done", 4)
