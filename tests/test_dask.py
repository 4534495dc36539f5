"""The Dask runner (LocalCluster, 2 workers) gives the same analysis as the single-process run."""
import json
from pathlib import Path

import pytest

from conftest import DEMO
from storylens.config import Config
from storylens.pipeline import ingest_and_store, reanalyze
from storylens.store import Store
from storylens.store.export import analysis_dict

pytest.importorskip("dask.distributed")

PEOPLE = [("Maria Okafor", "Senator", "Nigeria"), ("Tomas Lindqvist", "Prime Minister", "Sweden"),
          ("Anil Varma", "Foreign Minister", "India"), ("Helen Brandt", "Chancellor", "Germany"),
          ("Rafael Ortiz", "President", "Chile"), ("Yuki Tanaka", "Ambassador", "Japan")]
CITIES = ["Geneva", "Vienna", "Nairobi", "Lisbon", "Ottawa", "Hanoi"]


def _article(i: int) -> str:
    (a, ra, ca), (b, rb, cb) = PEOPLE[i % 6], PEOPLE[(i + 2) % 6]
    city = CITIES[i % 6]
    return (f"Talks in {city} stall as {ca} and {cb} trade blame\n\n"
            f"{ra} {a} of {ca} met {rb} {b} in {city} on Tuesday for a {i + 2}-hour session on the border dispute. "
            f"\u201cWe came here to make progress, not to pose for photos,\u201d {a.split()[1]} told reporters after the meeting.\n\n"
            f"{b} said {cb} would not sign any agreement before the {2030 + i} elections and accused {ca} of "
            f"moving troops toward the frontier. The United Nations urged both governments to return to the table.\n\n"
            f"Officials from the European Union plan to visit {city} next week, according to a statement by the "
            f"Foreign Ministry of {cb}. {a} threatened to impose sanctions if the talks collapse.\n")


def _corpus(root: Path) -> Path:
    d = root / "corpus"
    d.mkdir()
    for i in range(9):
        (d / f"{i:02d}.txt").write_text(_article(i), encoding="utf-8")
    (d / "09_copy.txt").write_text(_article(3), encoding="utf-8")                         # exact copy: the same input
    (d / "10_near.txt").write_text(_article(5).replace("Tuesday", "Wednesday"), encoding="utf-8")  # near duplicate
    (d / "11_empty.txt").write_text("   \n", encoding="utf-8")                             # skipped
    return d


@pytest.fixture(scope="module")
def client():
    from storylens.scale.dask_runner import close_client, make_client

    c = make_client(workers=2)  # LocalCluster, 2 worker processes, 1 thread each
    yield c
    close_client(c)


def _single(paths, tmp: Path):
    store = Store(tmp / "single.sqlite")
    summary = ingest_and_store(paths, store, Config(batch_size=4))
    return store, summary, analysis_dict(reanalyze(store, Config()))


def _dask(paths, tmp: Path, client, shard_size: int):
    from storylens.runner import run_dask
    from storylens.scale.dask_runner import DaskStats

    store = Store(tmp / "dask.sqlite")
    stats = DaskStats()
    run_id = store.start_run("test")
    summary = run_dask(paths, store, Config(batch_size=4), run_id=run_id, out=tmp / "out", client=client,
                       shard_size=shard_size, stats=stats)
    return store, summary, analysis_dict(reanalyze(store, Config())), stats


def _assert_same(a: dict, b: dict):
    for key in ("articles", "actors", "quotes", "events", "stories", "claims", "framing"):
        assert json.dumps(a.get(key), sort_keys=True) == json.dumps(b.get(key), sort_keys=True), key


def _check_parquet(out: Path, store: Store):
    from storylens.scale.parquet import read_table

    root = out / "parquet"
    docs = list(store.iter_documents(include_duplicates=True))
    arts = read_table(root, "articles").to_pylist()
    assert sorted(r["id"] for r in arts) == sorted(d.article.id for d in docs)
    by_id = {d.article.id: d for d in docs}
    for r in arts:  # offsets in the Parquet rows point into the same cleaned text
        assert r["text"] == by_id[r["id"]].article.text
        assert r["duplicate_of"] == by_id[r["id"]].article.duplicate_of
    mentions = read_table(root, "mentions").to_pylist()
    assert len(mentions) == sum(len(e.mentions) for d in docs for e in d.entities) > 0
    for m in mentions:
        assert by_id[m["article_id"]].article.text[m["start"]:m["end"]] == m["text"]
    assert len(read_table(root, "quotes")) == sum(len(d.quotes) for d in docs)
    assert len(read_table(root, "events")) == sum(len(d.events) for d in docs)


def test_dask_matches_single_process_and_writes_parquet(tmp_path, client, nlp):
    paths = [str(_corpus(tmp_path))]
    s_store, s_sum, single = _single(paths, tmp_path)
    d_store, d_sum, dist, stats = _dask(paths, tmp_path, client, shard_size=2)

    assert (d_sum.read, d_sum.stored, d_sum.duplicates, len(d_sum.skipped)) == \
           (s_sum.read, s_sum.stored, s_sum.duplicates, len(s_sum.skipped))
    assert (d_sum.read, d_sum.stored, d_sum.unchanged, len(d_sum.skipped)) == (11, 10, 1, 1) and d_sum.duplicates >= 1
    # duplicates never reach a worker; shards of 2 in input order
    assert stats.articles == 10 - d_sum.duplicates and stats.shards == (stats.articles + 1) // 2
    assert dist["actors"] and any(a["mentions"] for a in dist["actors"])
    _assert_same(single, dist)
    _check_parquet(tmp_path / "out", d_store)
    # several shards were stored as several Parquet parts
    assert len(list((tmp_path / "out" / "parquet" / "articles").glob("*.parquet"))) == stats.shards


def test_dask_rerun_dispatches_nothing(tmp_path, client, nlp):
    paths = [str(_corpus(tmp_path))]
    _dask(paths, tmp_path, client, shard_size=3)
    store, summary, _, stats = _dask(paths, tmp_path, client, shard_size=3)
    assert (summary.stored, summary.unchanged, stats.shards) == (0, 11, 0)


def test_demo_corpus_same_analysis(tmp_path, client, nlp):
    if not DEMO.is_dir() or not any(DEMO.iterdir()):
        pytest.skip("examples/demo not present")
    paths = [str(DEMO)]
    _, s_sum, single = _single(paths, tmp_path)
    d_store, d_sum, dist, _ = _dask(paths, tmp_path, client, shard_size=2)
    assert (d_sum.stored, d_sum.duplicates, len(d_sum.skipped)) == (s_sum.stored, s_sum.duplicates, len(s_sum.skipped))
    assert d_sum.stored > 0
    _assert_same(single, dist)
    _check_parquet(tmp_path / "out", d_store)
