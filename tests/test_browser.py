"""End-to-end in headless Chromium: the web app and the report file, used as a reader would.

Screenshots go to test-artifacts/. Set STORYLENS_SCREENSHOT=1 to also refresh docs/screenshot.png.
"""
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from storylens.publish.render import dom_id

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

# A tiny corpus of invented articles, for when the project's demo corpus is not there.
CORPUS = {
    "valley-times.txt": """Dam talks collapse as Mayor Lena Ortiz blames Senator Paul Brandt

VALLEY TIMES

Mayor Lena Ortiz said on Tuesday that talks over the Green River dam had collapsed. "Senator Brandt walked out of the meeting," Ortiz told reporters in Riverton. Brandt rejected the water-sharing plan on May 4, according to city officials. Farmers in the valley warned that the harvest was at risk.
""",
    "river-herald.txt": """Brandt says Ortiz sabotaged dam deal

RIVER HERALD

Senator Paul Brandt accused Mayor Lena Ortiz of sabotaging the dam agreement. "The mayor never wanted a deal," Brandt said in Riverton on Wednesday. Brandt signed the water-sharing plan on May 4, his office said. Ortiz criticised Brandt for delaying repairs to the dam.
""",
    "plains-wire.txt": """Green River dam dispute drags on

PLAINS WIRE

The dispute between Lena Ortiz and Paul Brandt over the Green River dam dragged on this week. Ortiz met farmers' representatives in Riverton on May 6. "We will not accept blame for this failure," Brandt said. The state governor urged both sides to return to talks.
""",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc=None):
    for _ in range(600):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer")


def _shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def page(browser):
    pg = browser.new_page()
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    assert not dialogs, f"a script opened a dialog: {dialogs}"
    pg.close()


@pytest.fixture(scope="module")
def pipeline_out(tmp_path_factory):
    """The demo corpus (or the tiny one above) analysed by the real pipeline: database and report.html."""
    from storylens.config import Config
    from storylens.runner import run_analysis

    demo = ROOT / "examples" / "demo"
    if demo.is_dir() and any(p.is_file() and not p.name.startswith(".") and p.suffix != ".md" for p in demo.rglob("*")):
        src = demo
    else:
        src = tmp_path_factory.mktemp("corpus")
        for name, text in CORPUS.items():
            (src / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    run_analysis([str(src)], out, out / "storylens.sqlite", Config(), progress=False)
    return out


@pytest.fixture(scope="module")
def cli_server(pipeline_out):
    """`storylens serve` as a user starts it, in its own process."""
    port = _free_port()
    env = {**os.environ}
    env.pop("STORYLENS_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "storylens.cli", "serve", "--db", str(pipeline_out / "storylens.sqlite"),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/index", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class _ThreadServer:
    def __init__(self, app):
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        _wait_http(f"http://127.0.0.1:{self.port}/api/index")
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    from storylens.publish.app import create_app
    from sample_data import sample_store

    db = tmp_path_factory.mktemp("sample") / "db.sqlite"
    sample_store(db).close()
    with _ThreadServer(create_app(db)) as url:
        yield url


# ---- the demo corpus through the real pipeline and `storylens serve` ---------------------------
def test_demo_story_actor_search_and_contradictions(page, cli_server, pipeline_out):
    import json

    index = json.load(urllib.request.urlopen(cli_server + "/api/index"))
    assert index["stories"], "the pipeline produced no story"
    page.goto(cli_server + "/")
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/story/**")
    assert page.locator("section.story h1").inner_text().strip()
    briefing = page.locator("ol.briefing li")
    assert briefing.count() >= 1
    _shot(page, "demo-story")
    if os.environ.get("STORYLENS_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))

    # A briefing sentence leads to the article, at that sentence.
    briefing.first.locator("a.cite").click()
    page.wait_for_url("**/article/**")
    target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert target and page.locator(f"[id='{target}']").count() == 1
    page.go_back()

    # Click an actor.
    actor = page.locator("section.story span.actor-tag a").first
    name = actor.inner_text().strip()
    actor.click()
    page.wait_for_url("**/actor/**")
    assert page.locator("section.actor h1").inner_text().startswith(name)
    _shot(page, "demo-actor")

    # Search for a quote (or, when the pipeline found none, for words of an article).
    from storylens.store import Store

    st = Store(pipeline_out / "storylens.sqlite", readonly=True)
    quote = st.conn.execute("SELECT id, text FROM quotes WHERE length(text) > 12 ORDER BY id LIMIT 1").fetchone()
    article = st.conn.execute("SELECT id, text FROM articles WHERE duplicate_of IS NULL ORDER BY id LIMIT 1").fetchone()
    n_contra = st.conn.execute("SELECT count(*) FROM contradictions").fetchone()[0]
    st.close()
    words = " ".join((quote["text"] if quote else article["text"]).split()[:4])
    page.fill("header input[name=q]", words)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    _shot(page, "demo-search")
    if quote:
        hits = page.locator("a.quote-hit")
        assert hits.count() >= 1
        hits.first.click()
        page.wait_for_url("**/article/**")
        assert page.evaluate("decodeURIComponent(location.hash)").startswith("#quote-")
    else:
        assert page.locator("ul.article-hits li").count() >= 1

    # Follow a contradiction to its two articles, when the analysis found one.
    if n_contra:
        for i in range(2):
            page.goto(cli_server + "/contradictions")
            page.locator(".contradiction").first.locator("a.follow").nth(i).click()
            page.wait_for_url("**/article/**")
            target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
            assert page.locator(f"[id='{target}']").count() == 1
            _shot(page, f"demo-contradiction-side-{i}")


def test_report_file_opens_offline_and_navigates(page, pipeline_out):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((pipeline_out / "report.html").resolve().as_uri())
    assert page.locator("#index h1").inner_text() == "Stories"
    page.locator("#index a.story-link").first.click()
    assert page.evaluate("location.hash").startswith("#story-")
    story = page.locator("section.story").first
    assert story.locator("ol.briefing li").count() >= 1
    _shot(page, "report-story")
    link = story.locator("span.actor-tag a").first
    name = link.inner_text().strip()
    link.click()
    hash_ = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert hash_.startswith("actor-")
    assert page.locator(f"[id='{hash_}'] h1").inner_text().startswith(name)
    _shot(page, "report-actor")
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests


# ---- the full flow on a hand-made analysis whose every item is known ------------------------
def test_sample_story_actor_search_contradiction_and_boilerplate(page, sample_server):
    from sample_data import sample_analysis

    an = sample_analysis()
    page.goto(sample_server + "/")
    page.locator("a.story-link", has_text="Harbor talks").click()
    page.wait_for_url("**/story/S1")
    assert page.locator(".disagree-box").inner_text().count("reports") == 2
    _shot(page, "sample-story")

    page.locator("section.story span.actor-tag a", has_text="Tom Kell").click()
    page.wait_for_url("**/actor/tom-kell")
    assert "Ruiz never wanted an agreement" in page.locator("ul.quotes").first.inner_text()
    _shot(page, "sample-actor")

    page.fill("header input[name=q]", "never wanted")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=never+wanted")
    page.locator("a.quote-hit").first.click()
    page.wait_for_url("**/article/art-south#quote-art-south:Q1")
    assert page.locator("[id='quote-art-south:Q1']").inner_text().startswith('"Ruiz')
    _shot(page, "sample-quote")

    x = an.contradictions[0]
    for i, side in enumerate((x.a, x.b)):
        page.goto(sample_server + "/contradictions")
        box = page.locator(".contradiction").first
        assert side.text in box.locator("mark").nth(i).inner_text()
        box.locator("a.follow").nth(i).click()
        page.wait_for_url(f"**/article/{side.article_id}#*")
        anchor = dom_id("span", side.article_id, side.start, side.end)
        assert page.evaluate("decodeURIComponent(location.hash.slice(1))") == anchor
        assert side.text.startswith(page.locator(f"[id='{anchor}']").inner_text())
        _shot(page, f"sample-contradiction-side-{i}")

    # Removed boilerplate is hidden until asked for, then shown greyed.
    raw = page.locator(".rawview")
    assert not raw.is_visible()
    page.locator("label[for^='raw-']").click()
    assert raw.is_visible() and "Subscribe now!" in raw.locator(".removed").first.inner_text()
    assert not page.locator(".cleanview").is_visible()
    _shot(page, "sample-boilerplate")


# ---- hostile articles: nothing they carry may run ------------------------------------------
def _assert_inert(page):
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.title") != "PWNED"


def test_hostile_articles_never_execute(page, tmp_path):
    """Served without the CSP header and written without the CSP meta, so escaping alone is what is tested."""
    from storylens.publish.app import create_app
    from storylens.publish.report import write_report
    from sample_data import sample_store

    db = tmp_path / "hostile.sqlite"
    store = sample_store(db, hostile=True)
    report = write_report(store, tmp_path / "report.html", csp=False)
    store.close()
    paths = ["/", "/articles", "/story/S1", "/actors", "/actor/tom-kell", "/actor/ana-ruiz", "/timeline", "/heatmap",
             "/contradictions", "/gaps", "/search?q=script", "/search?q=pwned", "/article/art-north",
             "/article/art-south", "/article/art-east?hl=0-20", "/story/%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E"]
    with _ThreadServer(create_app(db, csp=False)) as url:
        for path in paths:
            page.goto(url + path)
            _assert_inert(page)
        # The payloads are on the page as text.
        page.goto(url + "/article/art-north")
        assert "<script>window.__pwned=1" in page.locator("section.article h1").inner_text()
        assert "</script><script>window.__pwned=3</script>" in page.locator(".cleanview").inner_text()
        page.locator("label[for^='raw-']").click()  # the raw page with its hostile boilerplate
        _assert_inert(page)
        assert page.locator("a[href^='javascript']").count() == 0
        for a in page.locator("a").all()[:60]:
            href = a.get_attribute("href") or ""
            assert not href.lower().strip().startswith(("javascript", "data", "vbscript")), href
        _shot(page, "hostile-article")
    page.goto(report.resolve().as_uri())
    _assert_inert(page)
    for label in page.locator("label[for^='raw-']").all():
        label.click()
    _assert_inert(page)
    assert page.locator("a[href^='javascript']").count() == 0
    assert "<img src=x onerror=" in page.locator("#index").inner_text() or \
        "<img src=x onerror=" in page.locator("body").inner_text()
    _shot(page, "hostile-report")
