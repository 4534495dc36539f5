"""The positions matrix in headless Chromium: in the report file and in the web app, each cell leads
to the sentences it rests on. The corpus is invented for this test."""
import json
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

CORPUS = {
    "north-ledger.html": """<html><head><title>Weber open to border summit</title>
<meta name="author" content="Ria Holm"><meta property="article:published_time" content="2025-03-02">
<meta property="og:site_name" content="North Ledger"></head><body><article>
<h1>Weber open to border summit</h1>
<p>On Sunday, Chancellor Hans Weber said he is ready to meet President Ivan Petrov in any format to settle the
dispute over the river crossings. Officials in both capitals have exchanged letters for weeks without agreeing
on an agenda.</p>
<p>Traders on both sides of the border say they have lost most of their business since the crossings closed in
the spring, and farmers have blocked two roads in protest.</p></article></body></html>""",
    "south-courier.html": """<html><head><title>Weber rules out summit</title>
<meta name="author" content="Ivo Marr"><meta property="article:published_time" content="2025-03-20">
<meta property="og:site_name" content="South Courier"></head><body><article>
<h1>Weber rules out summit</h1>
<p>On Thursday, Chancellor Hans Weber rejected a meeting with President Ivan Petrov after a week of angry
exchanges between the two governments over the river crossings.</p>
<p>President Ivan Petrov said he would only negotiate with Chancellor Hans Weber, not with his ministers. The
crossings have been closed since the spring and traders have lost most of their business.</p></article></body></html>""",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    from storylens.config import Config
    from storylens.runner import run_analysis

    src = tmp_path_factory.mktemp("corpus")
    for name, text in CORPUS.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    run_analysis([str(src)], out, out / "storylens.sqlite", Config(), progress=False)
    return out


def _check_matrix_and_follow(page, name: str):
    matrix = page.locator("#positions table.posmatrix")
    assert matrix.count() == 1
    assert "Hans Weber" in matrix.inner_text()
    cell = matrix.locator("a.poscell").first
    assert cell.locator("svg.sparkline circle").count() >= 1
    cell.click()
    cell_id = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert cell_id.startswith("poscell-")
    detail = page.locator(f"[id='{cell_id}']")
    assert detail.locator("li.pos-item").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    sentence = detail.locator("li.pos-item").first.inner_text()
    detail.locator("a.pos-link").first.click()
    page.wait_for_load_state()
    span_id = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert span_id.startswith("span-")
    target = page.locator(f"[id='{span_id}']")
    assert target.count() == 1
    # the anchor covers the very sentence the cell listed
    assert target.inner_text().strip()[:30] in sentence


def test_matrix_in_report_links_to_sentences(browser, analysed):
    page = browser.new_page()
    page.goto((analysed / "report.html").resolve().as_uri())
    weber = page.locator("#positions table.posmatrix tr", has_text="Hans Weber")
    assert weber.count() == 1
    _check_matrix_and_follow(page, "positions-report")
    page.close()


def test_matrix_in_web_app_and_json_twin(browser, analysed):
    import uvicorn

    from storylens.publish.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(analysed / "storylens.sqlite"), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                data = json.load(urllib.request.urlopen(base + "/api/positions"))
                break
            except OSError:
                time.sleep(0.1)
        weber_rows = [r for r in data["rows"] if r["actor_id"] == "hans-weber"]
        assert weber_rows and data["count"] >= 2
        # one actor, one issue, two dates, two stances: the change shows as a shift with both spans
        assert any(s["actor_id"] == "hans-weber" and s["from"] == "supports" and s["to"] == "opposes"
                   for s in data["shifts"]), data["shifts"]
        only = json.load(urllib.request.urlopen(base + "/api/positions?actor=hans-weber"))
        assert {p["actor_id"] for p in only["positions"]} == {"hans-weber"}
        page = browser.new_page()
        page.goto(base + "/positions")
        assert page.locator("header.top a", has_text="Positions").count() == 1
        assert page.locator(".pos-shift").count() >= 1
        _check_matrix_and_follow(page, "positions-app")
        assert "/article/" in page.url
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
