"""The package as users meet it: the Python API example, the export schema, the database in other
tools (Datasette), the command line's version/schema/timeline and listing behaviour, typed API on real data.

One analysis of the demo corpus, made by running docs/python-api.md's example, serves every test here.
"""
import asyncio
import contextlib
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from storylens.cli import app


def _doc_example() -> str:
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    return re.search(r"## Example\s+```python\n(.*?)```", text, re.S).group(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run the documented example as it stands, in a scratch folder that sees examples/demo."""
    work = tmp_path_factory.mktemp("api")
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(_doc_example(), "docs/python-api.md", "exec"), {"__name__": "__doc_example__"})
    finally:
        os.chdir(cwd)
    return {"out": work / "demo-api-out", "db": work / "demo-api-out" / "storylens.sqlite",
            "printed": out.getvalue()}


def _canonical(x) -> str:
    def norm(v):
        if isinstance(v, dict):
            return {k: norm(w) for k, w in v.items()}
        if isinstance(v, list):
            v = [norm(w) for w in v]
            return sorted(v) if all(isinstance(w, str) for w in v) else v
        return v
    return json.dumps(norm(x), sort_keys=True)


def cli(*args):
    res = CliRunner().invoke(app, [str(a) for a in args])
    return res.exit_code, res.stdout, res.stderr


# ---- Python API ------------------------------------------------------------------------
def test_python_api_example_runs_and_matches_the_export(demo):
    import storylens

    assert "AnalysisResult(articles=10" in demo["printed"]
    stored = storylens.open(demo["db"])
    exported = json.loads((demo["out"] / "analysis.json").read_text())
    # The same content (the store returns some tables, and a story's article ids, in another order).
    again = stored.to_dict()
    assert set(again) == set(exported)
    for table, items in exported.items():
        if isinstance(items, list):
            assert sorted(map(_canonical, again[table])) == sorted(map(_canonical, items)), table
    frames = stored.to_pandas()
    for table in ("articles", "actors", "quotes", "events", "stories", "claims", "contradictions", "framing",
                  "coverage_gaps"):
        assert len(frames[table]) == len(exported[table]), table
        if exported[table]:
            assert list(frames[table].columns) == list(exported[table][0]), table
    assert len(frames["mentions"]) == sum(len(a["mentions"]) for a in exported["actors"])


def test_open_refuses_what_is_not_a_storylens_database(tmp_path):
    import storylens

    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="not a storylens database"):
        storylens.open(junk)
    with pytest.raises(FileNotFoundError):
        storylens.analyze("no/such/folder")


def test_import_storylens_loads_nothing_heavy():
    code = ("import sys, storylens; heavy = [m for m in ('spacy', 'numpy', 'pandas', 'fastapi', 'typer', "
            "'onnxruntime', 'sklearn') if m in sys.modules]; print(heavy, storylens.__version__)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("[] ")


# ---- export schema -----------------------------------------------------------------------
def test_demo_export_validates_against_the_shipped_schema(demo):
    from storylens.schema import SCHEMA_VERSION, validate

    data = json.loads((demo["out"] / "analysis.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert validate(data) == []
    # The schema is strict enough to catch what breaks consumers.
    broken = json.loads(json.dumps(data))
    broken["events"][0]["type"] = "BOGUS"
    del broken["quotes"][0]["speaker"]
    broken["actors"][0]["nickname"] = "x"
    broken["articles"][0]["removed"].append({"start": "0", "end": 1, "text": "", "reason": "x"})
    errors = validate(broken)
    assert any(e.startswith("events/0/type") and "BOGUS" in e for e in errors)
    assert any(e.startswith("quotes/0") and "speaker" in e for e in errors)
    assert any(e.startswith("actors/0") and "nickname" in e for e in errors)
    assert any(e.startswith("articles/0/removed") for e in errors)


def test_schema_follows_the_model_and_the_vocabularies():
    import dataclasses

    from storylens import model
    from storylens.schema import exported_fields, json_schema
    from storylens.vocab import FIELD_VOCABULARIES, PLOVER_TYPES, QUOTE_KINDS

    schema = json_schema()
    for name, d in schema["$defs"].items():
        cls = getattr(model, name)
        assert list(d["properties"]) == [f.name for f in exported_fields(cls)], name
    assert "raw" not in schema["$defs"]["Article"]["properties"]
    assert schema["$defs"]["Event"]["properties"]["type"]["enum"] == list(PLOVER_TYPES)
    assert schema["$defs"]["Quote"]["properties"]["kind"]["enum"] == list(QUOTE_KINDS)
    nullable = schema["$defs"]["Quote"]["properties"]["speaker"]["anyOf"]
    assert {"type": "null"} in nullable
    for (cls_name, field), _ in FIELD_VOCABULARIES.items():
        cls = getattr(model, cls_name, None)
        if cls is not None:
            assert field in {f.name for f in dataclasses.fields(cls)}, (cls_name, field)


def test_stage_tables_stay_inside_the_vocabularies():
    from storylens.annotate.entities import ACTOR_LABELS
    from storylens.vocab import ACTOR_TYPES, PLOVER_TYPES

    table = ROOT / "src" / "storylens" / "data" / "events" / "cameo_plover.tsv"
    types = {line.split("\t")[1] for line in table.read_text().splitlines() if line and not line.startswith("#")}
    assert types and types <= set(PLOVER_TYPES), types - set(PLOVER_TYPES)
    assert set(ACTOR_LABELS) <= set(ACTOR_TYPES)


def test_schema_command_prints_and_checks(demo, tmp_path):
    from storylens.schema import json_schema

    code, out, _ = cli("schema")
    assert code == 0 and json.loads(out) == json_schema()
    code, out, _ = cli("schema", "--check", demo["out"] / "analysis.json")
    assert code == 0 and "valid" in out
    bad = json.loads((demo["out"] / "analysis.json").read_text())
    bad["events"][0]["mode"] = "rumoured"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    code, _, err = cli("schema", "--check", tmp_path / "bad.json")
    assert code == 1 and "events/0/mode" in err


def test_version_flag():
    import storylens

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"storylens {storylens.__version__}"


def test_verbose_and_quiet_set_the_log_level(tmp_path):
    import logging

    for flag, level in (("--verbose", logging.DEBUG), ("--quiet", logging.ERROR)):
        code, _, _ = cli(flag, "schema", "--out", tmp_path / "s.json")
        assert code == 0 and logging.getLogger().level == level
    assert json.loads((tmp_path / "s.json").read_text())["$id"].startswith("urn:storylens:analysis:")
    logging.getLogger().setLevel(logging.WARNING)


# ---- the database in other tools -------------------------------------------------------------
def test_demo_database_carries_its_version_and_opens_in_datasette(demo):
    from datasette.app import Datasette

    from storylens.store.db import DB_SCHEMA_VERSION

    con = sqlite3.connect(demo["db"])
    assert con.execute("PRAGMA user_version").fetchone()[0] == DB_SCHEMA_VERSION
    meta = dict(con.execute("SELECT key, value FROM meta"))
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    assert meta["schema_version"] == str(DB_SCHEMA_VERSION) and meta["storylens_version"]

    async def browse():
        ds = Datasette([str(demo["db"])], immutables=[])
        await ds.invoke_startup()
        db_name = demo["db"].stem
        tables = (await ds.client.get(f"/{db_name}.json")).json()["tables"]
        rows = (await ds.client.get(f"/{db_name}/events.json?_shape=objects&_size=max")).json()
        page = await ds.client.get(f"/{db_name}/actors")
        quotes = await ds.client.get(f"/{db_name}/quotes?_size=max")
        return {t["name"]: t for t in tables}, rows, page, quotes

    tables, rows, page, quotes = asyncio.run(browse())
    assert {"articles", "actors", "quotes", "events", "stories", "claims", "meta"} <= set(tables)
    assert tables["events"]["count"] == n_events and len(rows["rows"]) == n_events
    assert page.status_code == 200 and "Anton Reiss" in page.text
    # Declared foreign keys: Datasette shows a quote's speaker as the actor's name, linked to the actor.
    outgoing = {(k["column"], k["other_table"]) for k in tables["quotes"]["foreign_keys"]["outgoing"]}
    assert {("speaker", "actors"), ("article_id", "articles")} <= outgoing
    assert re.search(r'<a href="/[^"]+/actors/anton-reiss">Anton Reiss</a>', quotes.text)


# ---- command line -------------------------------------------------------------------------
def test_timeline_csv_counts_events_per_day_per_type_and_actor(demo):
    exported = json.loads((demo["out"] / "analysis.json").read_text())
    code, out, _ = cli("timeline", "--db", demo["db"], "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and set(rows[0]) == {"date", "dimension", "key", "name", "events"}
    published = {a["id"]: a["published"] for a in exported["articles"]}
    expect = Counter()
    for e in exported["events"]:
        day = e["date"] if e["date"] else published.get(e["article_id"])
        if day and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            expect[(day, e["type"])] += 1
    got = {(r["date"], r["key"]): int(r["events"]) for r in rows if r["dimension"] == "type"}
    assert got == dict(expect)
    reiss = [r for r in rows if r["dimension"] == "actor" and r["key"] == "anton-reiss"]
    assert reiss and all(r["name"] == "Anton Reiss" for r in reiss)
    code, out, err = cli("timeline", "--db", demo["db"], "--story", "S999")
    assert code == 0 and "no dated events" in err


def test_listing_commands_empty_results_and_bad_formats(demo, tmp_path):
    for args in (("actors", "--name", "zzzz"), ("quotes", "--speaker", "zzzz")):
        code, out, err = cli(*args, "--db", demo["db"])
        assert code == 0 and err.strip().startswith("no "), args
    code, out, _ = cli("actors", "--name", "zzzz", "--db", demo["db"], "--format", "json")
    assert code == 0 and json.loads(out) == []
    for command in ("actors", "quotes", "timeline"):
        code, _, err = cli(command, "--db", demo["db"], "--format", "yaml")
        assert code == 2 and len(err.strip().splitlines()) == 1 and "yaml" in err
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    for command in ("actors", "quotes", "timeline"):
        code, _, err = cli(command, "--db", notes)
        assert code == 2 and "not a storylens database" in err and "Traceback" not in err


# ---- report and web app over the real analysis -------------------------------------------------
def test_report_and_app_show_the_event_series(demo, tmp_path):
    from fastapi.testclient import TestClient

    from storylens.publish.app import ROUTES, api_path, create_app
    from storylens.publish.report import write_report
    from storylens.store import Store

    html = write_report(Store(demo["db"], readonly=True), tmp_path / "r.html").read_text()
    assert html.count('class="series-chart"') == 2
    client = TestClient(create_app(demo["db"]))
    tl = client.get("/api/timeline").json()
    by_type = tl["series"]["by_type"]
    assert {x["label"] for x in by_type["legend"]} <= {r["key"] for r in tl["series"]["rows"]} | {"other"}
    assert 'class="series-chart"' in client.get("/timeline").text
    # Every JSON twin answers what its published model says, on real data too.
    exported = json.loads((demo["out"] / "analysis.json").read_text())
    ids = {"story_id": exported["stories"][0]["id"], "actor_id": exported["actors"][0]["id"],
           "article_id": exported["articles"][0]["id"]}
    for route in ROUTES:
        path = api_path(route)
        for k, v in ids.items():
            path = path.replace("{" + k + "}", v)
        r = client.get(path, params={"q": "Reiss"} if "search" in path else None)
        assert r.status_code == 200, path
        route.model.model_validate(r.json())


def test_schema_doc_explains_every_field():
    from storylens.schema import json_schema

    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", doc, re.S | re.M))
    missing = []
    for name, d in json_schema()["$defs"].items():
        for field, s in d["properties"].items():
            row = re.search(rf"^\| `{field}` \| [^|]+ \| (.+?) \| (.+?) \|$", sections.get(name, ""), re.M)
            if not row or not row.group(1).strip():
                missing.append(f"{name}.{field}")
    assert not missing, f"undocumented: {missing}; run PYTHONPATH=src python scripts/schema_docs.py"


def test_analyze_refuses_unknown_engine_export_and_spacy_model(tmp_path):
    from typer.testing import CliRunner

    from storylens.cli import app

    src = tmp_path / "a.txt"
    src.write_text("Foreign ministers of both countries met in Geneva on Monday to discuss the ceasefire.")
    for args, word in ((["--engine", "sparkle"], "--engine"), (["--export", "xlsx"], "--export"),
                       (["--spacy-model", "no_such_pipeline_xyz"], "spaCy model")):
        res = CliRunner().invoke(app, ["analyze", str(src), "--out", str(tmp_path / "out"), *args])
        assert res.exit_code == 2, res.output
        assert word in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "storylens.sqlite").exists()


def test_analyze_exports_parquet_tables(tmp_path):
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from storylens.cli import app

    src = tmp_path / "a.txt"
    src.write_text("Foreign Minister Tomas Keller said on Monday that the talks in Geneva would resume next week.\n")
    res = CliRunner().invoke(app, ["analyze", str(src), "--out", str(tmp_path / "out"), "--no-report",
                                   "--no-progress", "--export", "parquet"])
    assert res.exit_code == 0, res.output
    table = pq.read_table(tmp_path / "out" / "parquet" / "articles.parquet")
    assert table.num_rows == 1 and "text" in table.column_names
    assert (tmp_path / "out" / "parquet" / "events.parquet").exists()


def test_config_file_sets_fields_and_refuses_unknown_keys(tmp_path):
    from storylens.config import ConfigError, load_config

    good = tmp_path / "good.toml"
    good.write_text('near_duplicate_threshold = 1\ncorpus_stages = ["link", "compare"]\n')
    config = load_config(good)
    assert config.near_duplicate_threshold == 1.0 and config.corpus_stages == ["link", "compare"]
    bad = tmp_path / "bad.toml"
    bad.write_text("near_duplicate_treshold = 0.9\n")
    with pytest.raises(ConfigError, match="near_duplicate_treshold"):
        load_config(bad)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('batch_size = "many"\n')
    with pytest.raises(ConfigError, match="batch_size"):
        load_config(wrong)
