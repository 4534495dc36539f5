"""Web benchmark: story-view page load on a 1,000-article database, and API requests/s under local load.

    .venv/bin/python benchmarks/web.py [--articles 1000] [--requests 2000] [--concurrency 8] [--base-db FILE]

The 1,000-article database is built from a real analysis (examples/demo run through the pipeline,
or --base-db) by inserting varied copies of its stored rows: every copy gets new article ids,
shifted dates, an outlet variant and an extra closing sentence, and brings its own mentions, quotes,
events, claim stances and framing rows. All copies join their original's story, so the story view
measured is the worst case: one story holding every article.

The server is `storylens serve` in its own process; the load comes from this process over
127.0.0.1 (keep-alive connections, a fixed number of requests). Page loads are measured in
headless Chromium (navigation to the load event). Results go to benchmarks/results/web.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storylens.model import Analysis, ClaimStance, Document, Mention, SummarySentence  # noqa: E402
from storylens.store import Store  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "web"
RESULTS = ROOT / "benchmarks" / "results" / "web.md"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WORDS = ("officials said talks would resume after a short pause while observers noted rising pressure "
         "on both governments to reach a settlement before the winter").split()


def base_analysis(base_db: Path | None) -> tuple[Analysis, str]:
    if base_db:
        return Store(base_db, readonly=True).load_analysis(), str(base_db)
    demo = ROOT / "examples" / "demo"
    if demo.is_dir() and any(demo.iterdir()):
        from storylens.config import Config
        from storylens.runner import run_analysis

        out = OUT / "demo"
        shutil.rmtree(out, ignore_errors=True)
        run_analysis([str(demo)], out, out / "storylens.sqlite", Config(), report=False, progress=False)
        return Store(out / "storylens.sqlite", readonly=True).load_analysis(), "examples/demo through the pipeline"
    sys.path.insert(0, str(ROOT / "tests"))
    from sample_data import sample_analysis

    return sample_analysis(), "the hand-made sample analysis (examples/demo missing)"


def _shift(date: str | None, days: int) -> str | None:
    if not date:
        return date
    try:
        return (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return date


def _new_id(old: str, article_id: str, new_article_id: str) -> str:
    return old.replace(article_id, new_article_id, 1) if article_id in old else f"{new_article_id}:{old}"


def synthesise(base: Analysis, n_articles: int, seed: int = 7) -> Analysis:
    rng = random.Random(seed)
    originals = [a for a in base.articles if not a.duplicate_of] or base.articles
    copies = -(-n_articles // len(originals))
    an = Analysis(actors=[replace(a, mentions=list(a.mentions)) for a in base.actors], stories=[
        replace(s, article_ids=list(s.article_ids)) for s in base.stories], coverage_gaps=list(base.coverage_gaps))
    story_of = {aid: s for s in an.stories for aid in s.article_ids}
    actors = {a.id: a for a in an.actors}
    claims = {c.id: replace(c, stances=list(c.stances)) for c in base.claims}
    for k in range(copies):
        for a in originals:
            if len(an.articles) >= n_articles:
                break
            new_id = a.id if k == 0 else f"{a.id}-{k}"
            m = lambda aid: new_id if aid == a.id else aid  # noqa: E731
            extra = " " + " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."
            art = replace(a, id=new_id, content_hash=f"{a.content_hash}-{k}", text=a.text + (extra if k else ""),
                          outlet=(a.outlet or "Outlet") + ("" if k % 3 == 0 else f" ({'North' if k % 3 == 1 else 'South'} edition)"),
                          published=_shift(a.published or "2025-01-01", k % 60), source_path=f"{a.source_path}#{k}")
            an.articles.append(art)
            if k == 0:
                continue
            if a.id in story_of:
                story_of[a.id].article_ids.append(new_id)
            for ac in base.actors:
                actors[ac.id].mentions.extend(replace(x, article_id=new_id) for x in ac.mentions if x.article_id == a.id)
            an.quotes.extend(replace(q, id=_new_id(q.id, a.id, new_id), article_id=new_id)
                             for q in base.quotes if q.article_id == a.id)
            an.events.extend(replace(e, id=_new_id(e.id, a.id, new_id), article_id=new_id, date=_shift(e.date, k % 60))
                             for e in base.events if e.article_id == a.id)
            for c in base.claims:
                claims[c.id].stances.extend(replace(st, article_id=new_id, outlet=art.outlet)
                                            for st in c.stances if st.article_id == a.id)
            an.framing.extend(replace(f, article_id=new_id, outlet=art.outlet,
                                      responsibility=max(-1, min(1, f.responsibility + rng.uniform(-.2, .2))))
                              for f in base.framing if f.article_id == a.id)
            if k < 10:
                for x in base.contradictions:
                    if x.a.article_id == a.id:
                        an.contradictions.append(replace(x, a=replace(x.a, article_id=new_id)))
    an.quotes = list(base.quotes) + an.quotes
    an.events = list(base.events) + an.events
    an.framing = list(base.framing) + an.framing
    an.contradictions = list(base.contradictions) + an.contradictions
    an.claims = list(claims.values())
    return an


def build_db(an: Analysis, path: Path) -> Path:
    if path.exists():
        path.unlink()
    st = Store(path)
    st.add_documents(Document(article=a) for a in an.articles)
    st.replace_analysis(an)
    st.close()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc):
    for _ in range(1200):
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read())
        try:
            urllib.request.urlopen(url, timeout=60).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def _get(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    body = urllib.request.urlopen(url, timeout=120).read()
    return time.perf_counter() - t, len(body)


def page_loads(base: str, path: str, repeats: int, bust: bool = False) -> dict:
    """Chromium navigations to the load event; `bust` adds an unused query parameter per load so the
    server computes and renders the page every time instead of answering from its response cache."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="storylens-bench-")
    times = []
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                   args=FLAGS, viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(base + "/")  # warm the browser itself
        for _ in range(repeats):
            t = time.perf_counter()
            page.goto(base + path + (f"?run={time.time_ns()}" if bust else ""), wait_until="load")
            times.append(time.perf_counter() - t)
        nav = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)
    nav = json.loads(nav)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "ttfb_s": (nav["responseStart"] - nav["requestStart"]) / 1000, "dom_complete_s": nav["domComplete"] / 1000}


def load_test(base: str, paths: list[str], n_requests: int, concurrency: int, group=lambda p: p) -> dict:
    import http.client

    lat: list[tuple[str, float]] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(n_requests))
    host, port = base.removeprefix("http://").split(":")

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path = paths[i % len(paths)]
            t = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            dt_ = time.perf_counter() - t
            with lock:
                lat.append((path, dt_))
                if r.status != 200:
                    errors.append((path, r.status))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    by: dict[str, list[float]] = {}
    for q, d in lat:
        by.setdefault(group(q), []).append(d)
    per = {}
    for p, xs in by.items():
        xs.sort()
        per[p] = {"n": len(xs), "p50_ms": 1000 * xs[len(xs) // 2], "p95_ms": 1000 * xs[max(0, int(len(xs) * .95) - 1)]}
    return {"requests": len(lat), "errors": len(errors), "wall_s": wall, "rps": len(lat) / wall, "per_path": per}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--base-db", type=Path)
    ap.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results/web.md alone")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)

    base, base_desc = base_analysis(args.base_db)
    t = time.perf_counter()
    an = synthesise(base, args.articles)
    db = build_db(an, OUT / f"web-{args.articles}.sqlite")
    build_s = time.perf_counter() - t
    counts = {k: len(getattr(an, k)) for k in ("articles", "actors", "quotes", "events", "stories", "claims",
                                                 "contradictions", "framing")}
    story = max(an.stories, key=lambda s: len(s.article_ids))
    print(f"database: {db} {counts}; story {story.id} has {len(story.article_ids)} articles; built in {build_s:.1f}s")

    from storylens.publish.report import write_report

    t = time.perf_counter()
    rep = write_report(Store(db, readonly=True), OUT / "report.html")
    report_s = time.perf_counter() - t
    report_mb = rep.stat().st_size / 1e6
    print(f"report.html: {report_s:.2f}s, {report_mb:.1f} MB")

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("STORYLENS_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait(base_url + "/favicon.ico", proc)
        story_path = f"/story/{story.id}"
        cold_s, _ = _get(base_url + story_path)  # first request builds the in-memory index
        warm = [_get(base_url + story_path) for _ in range(args.repeats)]
        html_s = statistics.median(w[0] for w in warm)
        html_kb = warm[0][1] / 1e3
        print(f"story view over HTTP: first {cold_s:.3f}s (computes and renders it), then median {html_s:.3f}s, {html_kb:.0f} kB")
        browser = page_loads(base_url, story_path, args.repeats)
        browser_cold = page_loads(base_url, story_path, args.repeats, bust=True)
        print(f"story view in Chromium, computed each time: median {browser_cold['median_s']:.3f}s "
              f"(min {browser_cold['min_s']:.3f}, max {browser_cold['max_s']:.3f}); TTFB {browser_cold['ttfb_s']:.3f}s")
        print(f"story view in Chromium (to load event): median {browser['median_s']:.3f}s "
              f"(min {browser['min_s']:.3f}, max {browser['max_s']:.3f}); TTFB {browser['ttfb_s']:.3f}s")
        actor = next((a.id for a in an.actors), "none")
        art = an.articles[len(an.articles) // 2].id
        words = sorted({w.strip(".,;:\"'").lower() for q in an.quotes for w in q.text.split() if len(w) > 5})
        word = words[len(words) // 2] if words else "talks"
        # Distinct URLs (1,000 articles, every actor, hundreds of search words) defeat the response
        # cache, which holds the last 64 pages: this is the cost of computing a page.
        distinct = []
        for i in range(args.requests):
            k = i % 3
            distinct.append(f"/api/article/{an.articles[(i * 7) % len(an.articles)].id}" if k == 0 else
                            f"/api/actor/{an.actors[(i * 5) % len(an.actors)].id}" if k == 1 else
                            f"/api/search?q={words[(i * 11) % len(words)] if words else 'talks'}")
        cold = load_test(base_url, distinct, args.requests, args.concurrency, group=lambda p: p.split("/")[2].split("?")[0])
        print(f"API, distinct URLs (article/actor/search): {cold['requests']} requests, {args.concurrency} connections: "
              f"{cold['rps']:.0f} req/s, {cold['errors']} errors")
        mix = ["/api/index", f"/api/actor/{actor}", f"/api/article/{art}", f"/api/search?q={word}",
               "/api/contradictions", f"/api/timeline?story={story.id}"]
        warm_api = load_test(base_url, mix, args.requests, args.concurrency)
        print(f"API, six repeated URLs (served from the response cache): {warm_api['requests']} requests: "
              f"{warm_api['rps']:.0f} req/s, {warm_api['errors']} errors")
        for p, s in {**cold["per_path"], **warm_api["per_path"]}.items():
            print(f"  {p}: n {s['n']}, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    if args.no_write:
        return
    cmd = ".venv/bin/python benchmarks/web.py " + " ".join(sys.argv[1:])
    lines = [
        "# Web: story view page load and API throughput", "",
        f"Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC · command: `{cmd.strip()}` · "
        f"machine: {platform.machine()}, {os.cpu_count()} CPU cores shared with other work "
        f"(load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}", "",
        f"Database: {counts['articles']} articles built from {base_desc} by inserting varied copies of its rows "
        f"({counts['actors']} actors, {counts['quotes']} quotes, {counts['events']} events, {counts['claims']} claims, "
        f"{counts['contradictions']} contradictions, {counts['framing']} framing rows). The story measured "
        f"({story.id}) holds {len(story.article_ids)} articles: the worst case.", "",
        "| measure | result |", "|---|---|",
        f"| story view, first request (computes and renders the page; the in-memory index is built at start-up) | {cold_s:.3f} s |",
        f"| story view, server response on later requests (median of {args.repeats}, response cache) | {html_s:.3f} s, {html_kb:.0f} kB HTML |",
        f"| story view in headless Chromium, navigation to load event, page computed and rendered for each load (median of {args.repeats}) | **{browser_cold['median_s']:.3f} s** (min {browser_cold['min_s']:.3f}, max {browser_cold['max_s']:.3f}) |",
        f"| story view in headless Chromium, repeated page (response cache; median of {args.repeats}) | {browser['median_s']:.3f} s (min {browser['min_s']:.3f}, max {browser['max_s']:.3f}) |",
        f"| API, distinct URLs (1,000 articles, every actor, hundreds of search words: computed, not cached), {cold['requests']} requests over {args.concurrency} keep-alive connections from a second process | **{cold['rps']:.0f} requests/s**, {cold['errors']} errors |",
        f"| API, six repeated URLs incl. /api/index and the 1,000-article story timeline (response cache), {warm_api['requests']} requests | {warm_api['rps']:.0f} requests/s, {warm_api['errors']} errors |",
        f"| report.html for the same database | written in {report_s:.1f} s, {report_mb:.1f} MB |", "",
        "Latency per endpoint under load:", "", "| endpoint | p50 ms | p95 ms |", "|---|---|---|",
        *[f"| `{p}` | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} |" for p, s in {**cold["per_path"], **warm_api["per_path"]}.items()],
        "",
        "The server keeps one in-memory index of the analysis and rebuilds it only when the database changes "
        "(SQLite `data_version`), and keeps the last 64 finished responses for the same data version; a page "
        "costs look-ups plus template rendering, and the single uvicorn worker is bound by one CPU core. "
        "Timings were taken on a shared 2-core machine while other work ran (see the load average above), "
        "so they are upper bounds.",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
