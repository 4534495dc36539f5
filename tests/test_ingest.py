"""Readers: every format, metadata, gzip, dispatch, streaming. All inputs are written here."""
import gzip
import io
import json
import types

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storylens.ingest import read_paths, reader_for
from storylens.model import RawItem, Skip

STORY = ("The harbour authority of Port Selma closed the northern pier on Friday after inspectors found cracks "
         "in two concrete pylons. Director Amaia Rusk said repairs would take at least three weeks and cost "
         "about four million crowns. Fishing crews will dock at the southern quay until then.")

PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Northern pier closed for repairs | Selma Gazette</title>
<meta property="og:title" content="Northern pier closed for repairs">
<meta property="og:site_name" content="Selma Gazette">
<meta name="author" content="Tomas Brell">
<meta property="article:published_time" content="2024-05-17T09:00:00Z">
<link rel="canonical" href="https://gazette.example/pier-closed">
<script>var secret = "SCRIPT-TEXT-MUST-NOT-APPEAR";</script>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Northern pier closed for repairs</h1>
<p>{STORY}</p>
<p>Engineers from the regional roads agency will inspect the remaining pylons next week, the authority said in a statement on Friday evening.</p>
<p>"We would rather lose three weeks than a pier," Rusk told reporters at the harbour office.</p>
</article><script>document.write("SCRIPT-TEXT-MUST-NOT-APPEAR")</script>
<footer>All rights reserved.</footer></body></html>"""


def items(path, **kw):
    return list(read_paths([path], **kw))


def only_item(path, **kw) -> RawItem:
    got = items(path, **kw)
    assert len(got) == 1 and isinstance(got[0], RawItem), got
    return got[0]


def test_plain_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Pier closed\n\n" + STORY, encoding="utf-8")
    it = only_item(p)
    assert it.kind == "text" and it.text.startswith("Pier closed") and it.source_path == str(p)


def test_markdown_and_utf8_bom(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"\xef\xbb\xbf" + STORY.encode())
    assert only_item(p).text == STORY


def test_cp1252_text_is_decoded(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(("Café owners in Port Selma said the closure was “a blow”. " + STORY).encode("cp1252"))
    assert "“a blow”" in only_item(p).text


def test_html_text_and_metadata_without_scripts(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    it = only_item(p)
    assert it.kind == "html"
    assert "cracks in two concrete pylons" in it.text
    assert "SCRIPT-TEXT" not in it.text and "Home" not in it.text.split("\n")[0:1]
    assert it.title == "Northern pier closed for repairs"
    assert it.author == "Tomas Brell"
    assert it.published == "2024-05-17"
    assert it.outlet == "Selma Gazette"
    assert it.url == "https://gazette.example/pier-closed"
    assert it.html == PAGE


def test_jsonl_fields_text_and_html(tmp_path):
    p = tmp_path / "a.jsonl"
    rows = [{"text": STORY, "url": "https://x.example/1", "title": "Pier", "published": "17 May 2024",
             "outlet": "Wire One", "author": "Ana Ruiz"},
            {"html": PAGE, "outlet": "Other Desk"}]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    a, b = items(p)
    assert (a.kind, a.record, a.url, a.title, a.published, a.outlet, a.author) == (
        "jsonl", "line 1", "https://x.example/1", "Pier", "2024-05-17", "Wire One", "Ana Ruiz")
    assert a.text == STORY
    assert b.record == "line 2" and "cracks in two concrete pylons" in b.text and "SCRIPT-TEXT" not in b.text
    assert b.outlet == "Other Desk" and b.title == "Northern pier closed for repairs"  # page fills the gaps


def test_json_array_and_object_with_articles(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([{"body": STORY, "headline": "One"}, {"content": STORY + " More.", "headline": "Two"}]))
    assert [i.title for i in items(p)] == ["One", "Two"]
    q = tmp_path / "b.json"
    q.write_text(json.dumps({"articles": [{"text": STORY}]}))
    assert only_item(q).record == "item 1"


RSS = f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Selma Gazette</title><link>https://gazette.example/</link>
<item><title>Pier closed</title><link>https://gazette.example/1</link><author>desk@gazette.example (Tomas Brell)</author>
<pubDate>Fri, 17 May 2024 09:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>{STORY}</p><script>alert("SCRIPT-TEXT-MUST-NOT-APPEAR")</script><p>Second paragraph.</p>]]></content:encoded></item>
<item><title>Ferry timetable</title><link>https://gazette.example/2</link>
<description>The ferry to Ostrin will run every two hours from Monday, the operator said.</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour Notes</title><id>urn:x</id><updated>2024-05-18T00:00:00Z</updated>
<entry><title>Pier update</title><id>urn:1</id><link href="https://notes.example/1"/>
<updated>2024-05-18T10:00:00Z</updated><author><name>Lia Moss</name></author>
<content type="html">&lt;p&gt;{STORY}&lt;/p&gt;</content></entry></feed>"""


def test_rss_entries_content_or_summary(tmp_path):
    p = tmp_path / "f.rss"
    p.write_text(RSS, encoding="utf-8")
    a, b = items(p)
    assert a.kind == "feed" and a.outlet == "Selma Gazette" and a.published == "2024-05-17"
    assert a.url == "https://gazette.example/1" and a.title == "Pier closed" and a.record == "entry 1"
    assert "cracks in two concrete pylons" in a.text and "Second paragraph." in a.text
    assert "SCRIPT-TEXT" not in a.text and "<p>" not in a.text
    assert b.text.startswith("The ferry to Ostrin")


def test_atom_feed_by_suffix_and_by_sniffing(tmp_path):
    p = tmp_path / "notes.atom"
    p.write_text(ATOM, encoding="utf-8")
    it = only_item(p)
    assert (it.title, it.author, it.published, it.outlet) == ("Pier update", "Lia Moss", "2024-05-18", "Harbour Notes")
    q = tmp_path / "notes_feed"  # no suffix: recognised from its first bytes
    q.write_text(ATOM, encoding="utf-8")
    assert only_item(q).title == "Pier update"


def _warc(path, pages, extra_text_record=True):
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        if extra_text_record:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("https://x.example/robots.txt", "response",
                                                payload=io.BytesIO(b"User-agent: *"), http_headers=http))
        for url, body, ctype in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def test_warc_html_records_only(tmp_path):
    p = tmp_path / "crawl.warc.gz"
    _warc(p, [("https://gazette.example/pier", PAGE.encode(), "text/html; charset=utf-8"),
              ("https://gazette.example/pier2", PAGE.replace("Northern", "Southern").encode("utf-8"), "text/html")])
    got = items(p)
    assert [type(g) for g in got] == [RawItem, RawItem]
    assert got[0].kind == "warc" and got[0].url == "https://gazette.example/pier-closed"  # canonical link wins
    assert got[0].record.startswith("offset ") and got[0].record != got[1].record
    assert "SCRIPT-TEXT" not in got[0].text
    q = tmp_path / "plain.warc"
    _warc(q, [("https://gazette.example/pier", PAGE.encode(), "text/html")], extra_text_record=False)
    assert only_item(q).title == "Northern pier closed for repairs"


def test_gzip_for_every_format(tmp_path):
    for name, content in [("a.txt.gz", STORY), ("b.html.gz", PAGE), ("c.jsonl.gz", json.dumps({"text": STORY})),
                          ("d.rss.gz", RSS)]:
        p = tmp_path / name
        p.write_bytes(gzip.compress(content.encode("utf-8")))
        got = items(p)
        assert got and all(isinstance(g, RawItem) for g in got), (name, got)
        assert any("cracks in two concrete pylons" in g.text for g in got)
    # gzip magic without a .gz suffix
    p = tmp_path / "e.txt"
    p.write_bytes(gzip.compress(STORY.encode()))
    assert only_item(p).text == STORY


def test_reader_dispatch():
    from pathlib import Path

    from storylens.ingest import feed, html, jsonl, text, warc
    assert reader_for(Path("a.HTML")) is html.read
    assert reader_for(Path("a.ndjson.gz")) is jsonl.read
    assert reader_for(Path("a.warc.gz")) is warc.read
    assert reader_for(Path("a.xml")) is feed.read
    assert reader_for(Path("a.md")) is text.read


def test_read_paths_streams_and_walks_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "sub" / "b.txt").write_text(STORY + " Again.")
    (tmp_path / ".hidden.txt").write_text(STORY)
    gen = read_paths([tmp_path])
    assert isinstance(gen, types.GeneratorType)
    first = next(gen)  # the first file is yielded before the rest of the folder is read
    (tmp_path / "sub" / "c.txt").write_text(STORY + " Late.")
    rest = list(gen)
    paths = [x.source_path for x in [first, *rest]]
    # a hidden file is read like any other (only hidden folders such as .git are left out, with a reason)
    assert paths == [str(tmp_path / ".hidden.txt"), str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt"),
                     str(tmp_path / "sub" / "c.txt")]
    assert not any(isinstance(x, Skip) for x in rest)


def test_text_file_holding_a_web_page_or_markup(tmp_path):
    p = tmp_path / "saved_page.txt"
    p.write_text(PAGE, encoding="utf-8")
    it = only_item(p)
    assert it.title == "Northern pier closed for repairs" and "SCRIPT-TEXT" not in it.text
    q = tmp_path / "pasted.md"
    q.write_text(f"<p>{STORY}</p>\n<script>alert('SCRIPT-TEXT')</script>\n<p>Second part.</p><div>Third.</div>")
    it = only_item(q)
    assert it.text == f"{STORY}\nSecond part.\nThird." and it.kind == "text"


def test_markdown_title_marks_are_stripped(tmp_path):
    from storylens.clean import clean_item

    p = tmp_path / "a.md"
    p.write_text("# Northern pier closed\n\n" + STORY + "\n\n" + STORY.replace("Friday", "Monday"), encoding="utf-8")
    a = clean_item(only_item(p))
    assert a.title == "Northern pier closed" and a.text.startswith("The harbour authority")
