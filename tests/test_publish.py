"""Report, web app and API: empty and full data, escaping of hostile text, the token rule, JSON twins."""
import json
import re
import sqlite3

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storylens.model import Analysis, Story
from storylens.publish import views
from storylens.publish.app import create_app
from storylens.publish.corpus import Corpus
from storylens.publish.render import dom_id, safe_url
from storylens.publish.report import write_report
from sample_data import PAYLOADS, sample_analysis, sample_documents, sample_store
from storylens.publish.search import fts_query
from storylens.store import Store

PAGES = ["/", "/articles", "/story/S1", "/actors", "/actor/tom-kell", "/article/art-north", "/timeline",
         "/heatmap", "/contradictions", "/gaps", "/search?q=blamed"]
TWINS = {"/": "/api/index", "/story/S1": "/api/story/S1", "/actors": "/api/actors", "/actor/tom-kell": "/api/actor/tom-kell",
         "/article/art-north": "/api/article/art-north", "/timeline": "/api/timeline", "/heatmap": "/api/heatmap",
         "/contradictions": "/api/contradictions", "/gaps": "/api/gaps", "/search?q=blamed": "/api/search?q=blamed"}


@pytest.fixture
def db(tmp_path):
    sample_store(tmp_path / "db.sqlite").close()
    return tmp_path / "db.sqlite"


@pytest.fixture
def hostile_db(tmp_path):
    sample_store(tmp_path / "hostile.sqlite", hostile=True).close()
    return tmp_path / "hostile.sqlite"


def _internal_links_resolve(html: str):
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    return sorted(t for t in targets if t not in ids)


# ---- report ------------------------------------------------------------------------
def test_report_of_an_empty_store_renders_every_section(tmp_path):
    st = Store(tmp_path / "empty.sqlite")
    html = write_report(st, tmp_path / "report.html").read_text()
    assert "No stories yet" in html and "No contradictions found" in html and "No coverage gaps found" in html
    assert "<script" not in html
    assert _internal_links_resolve(html) == []


def test_report_with_articles_but_no_analysis(tmp_path):
    st = Store(tmp_path / "db.sqlite")
    st.add_documents(sample_documents())
    # A story with no summary, claims or framing: the briefing falls back to lead sentences.
    st.replace_analysis(Analysis(stories=[Story(id="S1", title="Harbor", article_ids=["art-north", "art-south"])]))
    html = write_report(st, tmp_path / "report.html").read_text()
    assert "opening sentences" in html
    assert "Minister Ana Ruiz said on Monday that the harbor talks had stalled." in html
    assert "No framing measured yet" in html
    assert _internal_links_resolve(html) == []


def test_report_with_full_data_cites_both_sides_and_links_resolve(db, tmp_path):
    html = write_report(Store(db), tmp_path / "report.html").read_text()
    # Briefing sentences, each linked to its sentence in the article.
    assert "Governor Tom Kell said the minister walked away from the harbor deal." in html
    an = sample_analysis()
    for s in an.stories[0].summary:
        assert f'href="#{dom_id("span", s.article_id, s.start, s.end)}"' in html
    # The disagreement names both outlets and quotes both sides.
    box = html[html.index("Where outlets disagree"):]
    box = box[:box.index("</div>")]
    assert "Northern Ledger" in box and "Southern Post" in box
    assert "Kell rejected the proposal on March 1" in box and "Kell signed the agreement on March 1" in box
    for section in ("timeline", "actors", "heatmap", "contradictions", "gaps", "articles"):
        assert f'id="{section}"' in html
    assert "<svg class=\"timeline-chart\"" in html and "<svg class=\"network-chart\"" in html
    assert "<svg class=\"heatmap-chart\"" in html
    assert 'class="removed"' in html  # boilerplate kept for the greyed view
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://news.example/', ""))
    assert _internal_links_resolve(html) == []


def test_report_escapes_hostile_text(hostile_db, tmp_path):
    html = write_report(Store(hostile_db), tmp_path / "report.html").read_text()
    for p in PAYLOADS:
        assert p not in html
    assert "&lt;script&gt;window.__pwned=1" in html
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert 'href="javascript' not in html.lower()
    assert "Content-Security-Policy" in html


# ---- pieces -----------------------------------------------------------------------------
def test_safe_url_allows_only_http_links():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "//evil.example/x",
                "vbscript:x", "https:no-host", "java\nscript:alert(1)", None, 42):
        assert safe_url(bad) is None


def test_dom_ids_are_stable_and_plain():
    assert dom_id("actor", "tom-kell") == "actor-tom-kell"
    assert dom_id("actor", 'a "b" <c>') == dom_id("actor", 'a "b" <c>')
    assert re.fullmatch(r"[A-Za-z0-9_.:-]+", dom_id("actor", 'a "b" <c>#x'))


def test_article_tree_nests_overlapping_spans_and_covers_the_text():
    text = "Ruiz said \"Kell refused\" today. Next one."
    spans = [{"kind": "quote", "start": 10, "end": 24, "ref": "q", "title": "q", "anchor": "quote-q"},
             {"kind": "mention", "start": 11, "end": 15, "ref": "tom-kell", "title": "m"},
             {"kind": "event", "start": 0, "end": 31, "ref": "e", "title": "e", "anchor": "event-e"},
             {"kind": "cited", "start": 25, "end": 37, "ref": None, "title": "c", "anchor": "span-c"},  # crosses
             {"kind": "mention", "start": 50, "end": 60, "ref": "bad", "title": "out of range"}]
    tree = views._tree(text, spans)
    assert views.tree_text(tree) == text
    event = tree[0]
    assert (event["kind"], event["anchor"], event["end"]) == ("event", "event-e", 31)
    quote = next(x for x in event["children"] if x["type"] == "span" and x["kind"] == "quote")
    assert views.tree_text([quote]) == '"Kell refused"' and quote["anchor"] == "quote-q"
    assert [x["ref"] for x in quote["children"] if x["type"] == "span"] == ["tom-kell"]
    # The crossing span is split at the sentence's end; its anchor stays on the first part.
    cited = [x for x in _walk(tree) if x.get("kind") == "cited"]
    assert [(x["start"], x["end"], x["anchor"]) for x in cited] == [(25, 31, "span-c"), (31, 37, None)]


def _walk(nodes):
    for x in nodes:
        yield x
        if x["type"] == "span":
            yield from _walk(x["children"])


def test_article_view_marks_quotes_events_cited_spans_and_removed_text():
    c = Corpus(sample_analysis())
    v = views.article_view(c, "art-north")
    anchors = {x["anchor"] for x in _walk(v["tree"]) if x.get("anchor")}
    assert views.tree_text(v["tree"]) == v["text"]
    assert "quote-art-north:Q1" in anchors and "event-art-north:V1" in anchors
    side_a = sample_analysis().contradictions[0].a
    assert f"span-art-north-{side_a.start}-{side_a.end}" in anchors
    removed = [p for p in v["raw_segments"] if p["removed"]]
    assert [p["reason"] for p in removed] == ["navigation", "related links"]
    assert "".join(p["text"] for p in v["raw_segments"]) == c.articles["art-north"].raw


def test_actor_view_gathers_quotes_events_and_framing_per_outlet():
    v = views.actor_view(Corpus(sample_analysis()), "tom-kell")
    assert {q["id"] for q in v["quotes"]} == {"art-south:Q1", "art-east:Q1"}
    assert [q["id"] for q in v["quoted_about"]] == ["art-north:Q1"]  # Ruiz talks about Kell
    assert {(e["id"], e["role"]) for e in v["events"]} >= {("art-north:V1", "source"), ("art-south:V2", "target")}
    fr = {f["outlet"]: f for f in v["framing"]}
    assert fr["Northern Ledger"]["responsibility"] == 0.8 and fr["Northern Ledger"]["loaded_terms"] == ["refused"]


def test_actors_network_has_event_and_speech_edges():
    v = views.actors_view(Corpus(sample_analysis()))
    edges = {(e["source"], e["target"], e["kind"]) for e in v["edges"]}
    assert ("tom-kell", "ana-ruiz", "acts on") in edges
    assert ("ana-ruiz", "tom-kell", "talks about") in edges
    assert len(v["network"]["nodes"]) == 3


def test_fts_query_neutralises_syntax():
    assert fts_query('Kell "refused" OR (NEAR') == '"Kell" "refused" "OR" "NEAR"'
    assert fts_query("  ") is None and fts_query('"*') is None


# ---- web app --------------------------------------------------------------------------
def test_every_page_and_its_json_twin(db):
    client = TestClient(create_app(db))
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]
    for page, api in TWINS.items():
        r = client.get(api)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), api
        assert f'href="{api.replace("&", "&amp;")}"' in client.get(page).text  # the page links its twin
    corpus = Corpus(Store(db).load_analysis())
    assert client.get("/api/story/S1").json() == json.loads(json.dumps(views.story_view(corpus, "S1")))
    story = client.get("/api/story/S1").json()
    assert [d["a"]["outlet"] for d in story["disagreements"]] == ["Northern Ledger"]
    assert story["disagreements"][0]["b"]["outlet"] == "Southern Post"
    spec = client.get("/openapi.json").json()
    for api in TWINS.values():
        assert api.split("?")[0].replace("S1", "{story_id}").replace("tom-kell", "{actor_id}") \
            .replace("art-north", "{article_id}") in spec["paths"]
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


def test_unknown_ids_are_404_in_both_forms(db):
    client = TestClient(create_app(db))
    for kind in ("story", "actor", "article"):
        assert client.get(f"/{kind}/nope").status_code == 404
        assert client.get(f"/api/{kind}/nope").status_code == 404


def test_empty_database_pages_render(tmp_path):
    Store(tmp_path / "e.sqlite").close()
    client = TestClient(create_app(tmp_path / "e.sqlite"))
    for path in PAGES:
        if any(path.startswith(p) for p in ("/story/", "/actor/", "/article/")):
            continue
        assert client.get(path).status_code == 200, path
    assert client.get("/api/index").json()["stories"] == []


def test_search_finds_quotes_and_articles_and_survives_syntax(db):
    client = TestClient(create_app(db))
    res = client.get("/api/search", params={"q": "blamed"}).json()
    assert [q["id"] for q in res["quotes"]] == ["art-east:Q1"]
    assert res["quotes"][0]["speaker"] == "tom-kell"
    assert any(p["hit"] and p["text"].lower() == "blamed" for p in res["quotes"][0]["highlighted"])
    arts = client.get("/api/search", params={"q": "harbor deal"}).json()["articles"]
    assert [a["article_id"] for a in arts] == ["art-south"]
    for q in ('"', "AND (", "*", "NEAR(a b", "'; DROP TABLE articles; --"):
        assert client.get("/search", params={"q": q}).status_code == 200
    assert client.get("/api/index").json()["counts"]["articles"] == 3


def test_app_api_escapes_markup_in_json_and_pages(hostile_db):
    client = TestClient(create_app(hostile_db))
    r = client.get("/api/article/art-north")
    assert "<" not in r.text and ">" not in r.text
    assert PAYLOADS[0] in r.json()["text"]  # same data once parsed
    for path in PAGES:
        html = client.get(path).text
        for p in PAYLOADS:
            assert p not in html, (path, p)
        assert 'href="javascript' not in html.lower()
    html = client.get("/article/art-north").text
    # The embedded page data is JSON whose </script> cannot close the element.
    data = html[html.index('<script type="application/json" id="page-data">'):]
    body = data[data.index(">") + 1:data.index("</script>")]
    assert "<" not in body and json.loads(body)["title"].endswith(PAYLOADS[0])


def test_database_is_opened_read_only(db):
    app = create_app(db)
    with pytest.raises(sqlite3.OperationalError):
        app.state.store.conn.execute("DELETE FROM articles")
    assert Store(db).conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_app_picks_up_a_new_analysis(db):
    client = TestClient(create_app(db))
    assert client.get("/api/index").json()["stories"][0]["title"] == "Harbor talks"
    writer = Store(db)
    an = writer.load_analysis()
    an.stories[0].title = "Harbor talks, day two"
    writer.replace_analysis(an)
    writer.close()
    assert client.get("/api/index").json()["stories"][0]["title"] == "Harbor talks, day two"


# ---- token rule ------------------------------------------------------------------------
def test_token_is_required_on_every_request_when_set(db):
    client = TestClient(create_app(db, token="s3cret-tok"))
    for path in ("/", "/api/index", "/openapi.json", "/story/S1"):
        assert client.get(path).status_code == 401, path
    assert client.get("/api/index", headers={"X-Storylens-Token": "wrong"}).status_code == 401
    assert client.get("/api/index", headers={"X-Storylens-Token": "s3cret-tok"}).status_code == 200
    assert client.get("/api/index", headers={"Authorization": "Bearer s3cret-tok"}).status_code == 200
    r = client.get("/?token=s3cret-tok")
    assert r.status_code == 200
    # The cookie set by ?token= lets the browser follow plain links afterwards.
    assert client.get("/story/S1").status_code == 200
    client.cookies.clear()
    assert client.get("/story/S1").status_code == 401


def test_serve_binds_localhost_by_default_and_refuses_public_hosts_without_token(monkeypatch, tmp_path):
    from storylens.cli import app
    from storylens.commands.serve import DEFAULT_HOST, bind_check, is_loopback

    assert DEFAULT_HOST == "127.0.0.1"
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.8.0.1"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.4", "example.org"))
    assert bind_check("127.0.0.1", None) is None
    assert bind_check("0.0.0.0", None) and bind_check("example.org", "")
    assert bind_check("0.0.0.0", "tok") is None
    monkeypatch.delenv("STORYLENS_TOKEN", raising=False)
    Store(tmp_path / "x.sqlite").close()
    res = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.sqlite"), "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "refusing" in res.output
    res = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "missing.sqlite")])
    assert res.exit_code == 2 and "no database" in res.output


def test_local_only_app_answers_only_to_loopback_host_names(db):
    from storylens.publish.net import host_of

    assert [host_of(h) for h in ("[::1]:8765", "localhost:80", "127.0.0.1", "Example.org:1")] == \
        ["::1", "localhost", "127.0.0.1", "example.org"]
    app = create_app(db, local_only=True)
    assert TestClient(app, base_url="http://127.0.0.1:8765").get("/api/index").status_code == 200
    assert TestClient(app, base_url="http://localhost").get("/").status_code == 200
    # A rebinding page's requests carry its own host name.
    assert TestClient(app, base_url="http://attacker.example:8765").get("/api/index").status_code == 421


# ---- serve start-up, cache keys, typed API, lists -----------------------------------------
def test_serve_refuses_a_file_that_is_not_a_storylens_database(tmp_path, monkeypatch):
    from storylens.cli import app

    monkeypatch.delenv("STORYLENS_TOKEN", raising=False)
    text = tmp_path / "notes.sqlite"
    text.write_text("just some notes\n")
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    for bad, why in ((text, "not an SQLite file"), (other, "no articles"), (tmp_path, "is a folder")):
        res = CliRunner().invoke(app, ["serve", "--db", str(bad)])
        assert res.exit_code == 2, res.output
        assert why in res.output and "Traceback" not in res.output
        assert len(res.output.strip().splitlines()) == 1
        with pytest.raises(ValueError):
            create_app(bad)


def test_cache_key_is_the_exact_query(db):
    client = TestClient(create_app(db))
    encoded = client.get("/api/search?q=Reiss%26zz%3D1").json()
    split = client.get("/api/search?q=Reiss&zz=1").json()
    assert encoded["q"] == "Reiss&zz=1" and split["q"] == "Reiss"
    # The same requests again come from the cache and still differ.
    assert client.get("/api/search?q=Reiss%26zz%3D1").json()["q"] == "Reiss&zz=1"
    assert client.get("/api/search?q=Reiss&zz=1").json()["q"] == "Reiss"
    # The token never enters the key, so a token-carrying request shares the page it names.
    tok = TestClient(create_app(db, token="t0k"))
    assert tok.get("/api/search?q=Kell&token=t0k").json() == tok.get("/api/search?q=Kell",
                                                                     headers={"X-Storylens-Token": "t0k"}).json()


API_PATHS = ["/api/index", "/api/story/S1", "/api/actors", "/api/actor/tom-kell", "/api/article/art-north",
             "/api/article/art-north?hl=0-10", "/api/timeline", "/api/timeline?story=S1", "/api/heatmap",
             "/api/contradictions", "/api/gaps", "/api/search?q=Kell"]


@pytest.mark.parametrize("which", ["db", "hostile_db"])
def test_every_api_response_matches_its_published_model(which, request):
    from storylens.publish import api_models
    from storylens.publish.app import ROUTES, api_path

    client = TestClient(create_app(request.getfixturevalue(which)))
    assert all(r.model is not None for r in ROUTES), "every JSON twin needs a response model (api_models.py)"
    models = {api_path(r): r.model for r in ROUTES}
    spec = client.get("/openapi.json").json()
    for path in API_PATHS:
        r = client.get(path)
        assert r.status_code == 200, path
        template = next(p for p in models if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", p), path.split("?")[0]))
        models[template].model_validate(r.json())  # extra="forbid": an undeclared field fails here
        ok = spec["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{models[template].__name__}"}, template
    assert api_models.ErrorResponse.model_validate(client.get("/api/story/nope").json())


def test_list_endpoints_page_and_answer_csv(db):
    import csv as _csv
    import io

    client = TestClient(create_app(db))
    full = client.get("/api/actors").json()
    assert full["page"] == {"key": "actors", "total": 3, "offset": 0, "limit": None}
    page = client.get("/api/actors?offset=1&limit=1").json()
    assert [a["id"] for a in page["actors"]] == [full["actors"][1]["id"]] and page["page"]["total"] == 3
    r = client.get("/api/actors?format=csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(_csv.DictReader(io.StringIO(r.text)))
    assert [x["id"] for x in rows] == [a["id"] for a in full["actors"]]
    assert json.loads(rows[0]["aliases"]) == full["actors"][0]["aliases"]
    events = list(_csv.DictReader(io.StringIO(client.get("/api/timeline?format=csv&limit=2").text)))
    assert len(events) == 2 and {"id", "type", "date", "source", "target"} <= set(events[0])
    assert client.get("/api/actors?format=xml").status_code == 422
    assert client.get("/api/actors?limit=0").status_code == 422


def test_publish_never_imports_the_command_line():
    import ast
    from pathlib import Path

    import storylens.publish as pub

    for f in Path(pub.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                target = ("." * node.level) + (node.module or "")
                assert "commands" not in target and target != "storylens.cli", (f.name, target)
