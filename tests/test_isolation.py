"""Nothing one article does costs another one: stage failures, worker deaths, long texts, locked
databases, path spellings, edited articles, killed runs."""
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stage_plugins import MARK
from storylens.cli import app
from storylens.config import Config
from storylens.model import Article, Document
from storylens.pipeline import ingest_and_store
from storylens.store import Store

PEOPLE = [("Maria Okafor", "Senator", "Nigeria"), ("Tomas Lindqvist", "Prime Minister", "Sweden"),
          ("Anil Varma", "Foreign Minister", "India"), ("Helen Brandt", "Chancellor", "Germany"),
          ("Rafael Ortiz", "President", "Chile"), ("Yuki Tanaka", "Ambassador", "Japan")]
CITIES = ["Brenna", "Talsk", "Velden", "Aske", "Lindenholm"]
STORY = ("Talks in {city} stall as {ca} and {cb} trade blame\n\n"
         "{ra} {a} of {ca} met {rb} {b} in {city} on Tuesday for a {h}-hour session on the border dispute. "
         "\u201cWe came here to make progress, not to pose for photos,\u201d {a_last} told reporters after the meeting.\n\n"
         "{b} said {cb} would not sign any agreement before the {year} elections and accused {ca} of "
         "moving troops toward the frontier. The United Nations urged both governments to return to the table.\n\n"
         "Officials from the European Union plan to visit {city} next week, according to a statement by the "
         "Foreign Ministry of {cb}. {a} threatened to impose sanctions if the talks collapse.\n")


def story(i: int) -> str:
    (a, ra, ca), (b, rb, cb) = PEOPLE[i % 6], PEOPLE[(i + 2) % 6]
    return STORY.format(city=CITIES[i % 5], a=a, ra=ra, ca=ca, b=b, rb=rb, cb=cb, h=i + 2, year=2030 + i,
                        a_last=a.split()[1])


def _corpus(root: Path, marked: int | None = 2) -> Path:
    d = root / "corpus"
    d.mkdir()
    for i, city in enumerate(CITIES):
        text = story(i)
        if i == marked:
            text = text.replace("Officials from", f"Officials of the {MARK} company and")
        (d / f"{i:02d}_{city.lower()}.txt").write_text(text, encoding="utf-8")
    return d


def analyze(*args):
    res = CliRunner().invoke(app, ["analyze", *map(str, args), "--no-progress"])
    return res.exit_code, res.output


def _articles(out: Path) -> list[dict]:
    return json.loads((out / "analysis.json").read_text())["articles"]


def test_a_stage_failing_on_one_article_loses_nothing(tmp_path, monkeypatch, nlp):
    monkeypatch.setenv("STORYLENS_PLUGINS", "stage_plugins")
    monkeypatch.setenv("STORYLENS_STAGES", "entities,boom,quotes,events")
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    code, output = analyze(corpus, "--out", out, "--no-report")
    assert code == 3, output
    errors = [ln for ln in output.splitlines() if ln.startswith("error ")]
    assert len(errors) == 1 and "02_velden.txt" in errors[0] and "boom: RuntimeError: boom on purpose" in errors[0]
    assert "read 5, stored 5" in output and "stage errors 1" in output
    data = json.loads((out / "analysis.json").read_text())
    assert len(data["articles"]) == 5
    # the failing article keeps what the other stages found, before and after the failing one
    talsk = next(a for a in data["articles"] if a["source_path"].endswith("02_velden.txt"))
    assert any(q["article_id"] == talsk["id"] for q in data["quotes"])
    assert {q["article_id"] for q in data["quotes"]} == {a["id"] for a in data["articles"]}
    con = sqlite3.connect(out / "storylens.sqlite")
    log = con.execute("SELECT source_path, level, reason FROM run_log").fetchall()
    assert [(Path(p).name, lvl) for p, lvl, _ in log] == [("02_velden.txt", "error")]
    doc = json.loads(con.execute("SELECT doc FROM annotations WHERE article_id=?", (talsk["id"],)).fetchone()[0])
    assert doc["problems"] == [{"stage": "boom", "message": "RuntimeError: boom on purpose", "level": "error"}]


def test_a_failing_builtin_stage_skips_only_what_needs_it(tmp_path, monkeypatch, nlp):
    import storylens.annotate.quotes as quotes

    real = quotes.extract_quotes

    def flaky(doc):
        if MARK in doc.article.text:
            raise ValueError("bad quote")
        return real(doc)

    monkeypatch.setattr(quotes, "extract_quotes", flaky)
    store = Store(tmp_path / "db.sqlite")
    summary = ingest_and_store([str(_corpus(tmp_path))], store, Config(batch_size=2))
    assert summary.stored == 5 and len(summary.errors) == 1
    docs = {Path(d.article.source_path).name: d for d in store.iter_documents()}
    bad = docs["02_velden.txt"]
    assert bad.entities and not bad.quotes and not bad.events
    assert [(p.stage, p.level) for p in bad.problems] == [("quotes", "error"), ("events", "skipped")]
    assert all(d.quotes and d.events for n, d in docs.items() if n != "02_velden.txt")


def test_cross_article_failure_keeps_articles_export_and_report(tmp_path, monkeypatch, nlp):
    import storylens.compare as compare

    def broken(*a, **k):
        raise RuntimeError("compare broke")

    monkeypatch.setattr(compare, "compare", broken)
    out = tmp_path / "out"
    code, output = analyze(_corpus(tmp_path, marked=None), "--out", out)
    assert code == 3, output
    assert "warning: compare: cross-article stage failed: RuntimeError: compare broke" in output
    data = json.loads((out / "analysis.json").read_text())
    assert len(data["articles"]) == 5 and data["actors"] and data["quotes"] and data["stories"] == []
    assert (out / "report.html").exists()
    con = sqlite3.connect(out / "storylens.sqlite")
    assert con.execute("SELECT status FROM runs").fetchone()[0] == "done"


def test_failing_report_is_a_warning(tmp_path, monkeypatch, nlp):
    import storylens.publish.report as report

    monkeypatch.setattr(report, "write_report", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    out = tmp_path / "out"
    code, output = analyze(_corpus(tmp_path, marked=None), "--out", out)
    assert code == 3 and "warning: report: report.html not written: OSError: disk full" in output
    assert len(_articles(out)) == 5


def test_worker_process_death_costs_only_its_article(tmp_path, monkeypatch, nlp):
    monkeypatch.setenv("STORYLENS_TEST_PARENT", str(os.getpid()))
    config = Config(batch_size=2, n_process=2, plugins=["stage_plugins"],
                    stages=["entities", "crash_worker", "quotes", "events"])
    store = Store(tmp_path / "db.sqlite")
    summary = ingest_and_store([str(_corpus(tmp_path))], store, config)
    assert summary.stored == 5
    docs = {Path(d.article.source_path).name: d for d in store.iter_documents()}
    assert len(docs) == 5
    bad = docs["02_velden.txt"]
    assert not bad.entities and [p.stage for p in bad.problems] == ["worker"]
    assert all(d.entities and d.quotes for n, d in docs.items() if n != "02_velden.txt")
    assert [Path(s).name for s, p in summary.errors] == ["02_velden.txt"]


def test_long_article_is_parsed_in_pieces_with_true_offsets(tmp_path, nlp):
    from storylens.stages.engine import process_local

    body = "".join(story(i).split("\n\n", 1)[1] + "\n" for i in range(40))
    art = Article(id="long", source_path="long.txt", text=body)
    config = Config(chunk_chars=1500, max_article_chars=len(body) - 700)
    doc = next(process_local([art], config, nlp))
    assert doc.article.text == body                      # stored whole
    assert doc.sentences[-1].end <= config.max_article_chars < len(body)
    for s in doc.sentences:
        assert body[s.start:s.end] == s.text
    for e in doc.entities:
        for m in e.mentions:
            assert body[m.start:m.end] == m.text
    assert sum(1 for e in doc.entities if e.name == "Helen Brandt") == 1 and doc.quotes
    ents = {e.id for e in doc.entities}
    assert len(ents) == len(doc.entities) and all(i.startswith("long:E") for i in ents)
    assert len({q.id for q in doc.quotes}) == len(doc.quotes) and len({v.id for v in doc.events}) == len(doc.events)
    assert {q.speaker for q in doc.quotes if q.speaker} <= ents
    for q in doc.quotes:
        assert q.article_id == "long" and body[q.start:q.end] == q.text
    for v in doc.events:
        assert body[v.start:v.end] == v.sentence
    assert [(p.stage, p.level) for p in doc.problems] == [("parse", "warning")]
    assert "only the first" in doc.problems[0].message


def test_split_text_cuts_at_paragraphs_and_keeps_every_character():
    from storylens.annotate.nlp import split_text

    text = ("word " * 50 + "\n\n") * 40 + "x" * 5000
    pieces = split_text(text, 1000)
    assert "".join(pieces) == text and all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:5])


def test_a_second_writer_waits_instead_of_failing(tmp_path):
    db = tmp_path / "db.sqlite"
    store = Store(db)
    holding = threading.Event()

    def other_writer():
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO state VALUES ('other', '1')")
        holding.set()
        time.sleep(1.5)
        con.execute("COMMIT")
        con.close()

    t = threading.Thread(target=other_writer)
    t.start()
    holding.wait()
    doc = Document(article=Article(id="a1", source_path="a.txt", text="one", content_hash="h1"))
    assert store.add_documents([doc]) == 1          # waited for the lock, then wrote
    run = store.start_run("second")
    store.log(run, "a.txt", "fine")
    t.join()
    assert store.get_state("other") == 1 and len(store.articles()) == 1


def test_two_runs_on_one_database_at_once(tmp_path):
    """Two `storylens analyze` processes writing one database at the same time both finish."""
    import subprocess
    import sys

    (tmp_path / "a").mkdir()
    corpus_a = _corpus(tmp_path / "a", marked=None)
    corpus_b = tmp_path / "b"
    corpus_b.mkdir()
    for f in sorted(corpus_a.iterdir())[:3]:
        (corpus_b / f.name).write_text(f.read_text().replace("Tuesday", "Wednesday").replace("border", "water"))
    db = tmp_path / "db.sqlite"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    cmd = [sys.executable, "-m", "storylens.cli", "analyze", "--db", str(db), "--no-report", "--no-progress"]
    procs = [subprocess.Popen(cmd + [str(c), "--out", str(tmp_path / f"out{i}")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for i, c in enumerate((corpus_a, corpus_b))]
    outs = [p.communicate()[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 8
    assert [r[0] for r in con.execute("SELECT status FROM runs")] == ["done", "done"]


def test_another_spelling_of_the_path_stores_nothing_twice(tmp_path, monkeypatch, nlp):
    _corpus(tmp_path, marked=None)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    code, output = analyze("corpus", "--out", out, "--no-report")
    assert code == 0 and "stored 5" in output
    code, output = analyze(tmp_path / "corpus", "--out", out, "--no-report")
    assert code == 0 and "stored 0, unchanged 5" in output, output
    code, output = analyze("./corpus/../corpus/", "--out", out, "--no-report")
    assert "stored 0, unchanged 5" in output
    assert len(_articles(out)) == 5


def test_an_edited_article_is_a_new_version(tmp_path, nlp):
    url = "https://example.org/news/keller-talks"
    text = story(1)
    feed = tmp_path / "f1"
    feed.mkdir()
    (feed / "items.jsonl").write_text(json.dumps({"text": text, "url": url, "title": "Talks resume"}) + "\n")
    out = tmp_path / "out"
    assert analyze(feed, "--out", out, "--no-report")[0] == 0
    edited = text.replace("next week", "on Thursday").replace("Tomas Lindqvist of", "Tomas Lindqvist, 61, of")
    (feed / "items.jsonl").write_text(json.dumps({"text": edited, "url": url, "title": "Talks resume"}) + "\n")
    code, output = analyze(feed, "--out", out, "--no-report")
    assert code == 0 and "stored 1" in output and "new versions 1" in output and "duplicates 0" in output
    data = json.loads((out / "analysis.json").read_text())
    old, new = sorted(data["articles"], key=lambda a: a["superseded_by"] is None)
    assert old["superseded_by"] == new["id"] and new["superseded_by"] is None and new["duplicate_of"] is None
    assert "on Thursday" in new["text"]
    # the correction is analysed; the old version no longer feeds the analysis
    assert {q["article_id"] for q in data["quotes"]} == {new["id"]}


def test_killed_run_is_marked_interrupted_and_a_raising_run_is_not_done(tmp_path, monkeypatch, nlp):
    db = tmp_path / "db.sqlite"
    store = Store(db)
    store.conn.execute("INSERT INTO runs(started, command, pid, host, status) VALUES (1, 'old', 99999999, ?, "
                       "'running')", (__import__("socket").gethostname(),))
    store.close()
    import storylens.runner as runner

    def fail(*a, **k):
        raise RuntimeError("cannot write")

    monkeypatch.setattr(runner, "write_json", fail)
    code, output = analyze(_corpus(tmp_path, marked=None), "--out", tmp_path / "out", "--db", db, "--no-report")
    assert code != 0
    rows = sqlite3.connect(db).execute("SELECT command, status FROM runs ORDER BY id").fetchall()
    assert rows[0] == ("old", "interrupted") and rows[1][1] == "failed"


def test_skip_lines_are_printed_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\nskipped forged.txt").write_text("")
    code, output = analyze(folder, "--out", tmp_path / "out", "--no-report")
    assert code == 3
    lines = [ln for ln in output.splitlines() if ln.startswith("skipped ")]
    assert len(lines) == 1 and "evil\\nskipped forged.txt" in lines[0]


def test_articles_in_another_language_are_stored_not_annotated(nlp):
    from storylens.stages.engine import process_local

    de = Article(id="de", source_path="de.txt", text="Die Regierung in Berlin hat am Montag neue Gespräche angekündigt.")
    en = Article(id="en", source_path="en.txt", text=story(3))
    de.language = "de"          # set by language detection when the model has the field
    docs = list(process_local([de, en], Config(), nlp))
    assert [d.article.id for d in docs] == ["de", "en"]
    assert not docs[0].entities and docs[0]._spacy is None
    assert [(p.stage, p.level) for p in docs[0].problems] == [("language", "skipped")]
    assert "entities, quotes, events" in docs[0].problems[0].message
    assert docs[1].entities and not docs[1].problems


@pytest.mark.parametrize("stages,message", [
    (["entities", "nonesuch"], "unknown stage 'nonesuch'"),
    (["quotes", "entities"], "'entities' is provided by 'entities', which must come before it"),
])
def test_bad_pipeline_is_refused_at_start_up(tmp_path, monkeypatch, stages, message):
    monkeypatch.setenv("STORYLENS_STAGES", ",".join(stages))
    code, output = analyze(tmp_path, "--out", tmp_path / "out", "--no-report")
    assert code == 2 and message in output and not (tmp_path / "out" / "storylens.sqlite").exists()
