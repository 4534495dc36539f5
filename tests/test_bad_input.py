"""Bad input: each broken file or record gives one Skip with a clear reason, and good input survives."""
import gzip
import json

from storylens.ingest import read_paths
from storylens.model import RawItem, Skip

STORY = ("The river ferry between Ostrin and Calda stopped running on Tuesday after the operator reported an "
         "engine fault. A spokeswoman said a replacement vessel would arrive from the coast by the weekend.")
PAGE = f"<html><head><title>Ferry stopped</title></head><body><article><p>{STORY}</p><p>{STORY}</p></article></body></html>"


def read_one(path, **kw):
    got = list(read_paths([path], **kw))
    assert len(got) == 1, got
    return got[0]


def skip_reason(path, **kw) -> str:
    got = read_one(path, **kw)
    assert isinstance(got, Skip), got
    assert "\n" not in got.reason and got.source_path == str(path)
    return got.reason


def test_empty_and_whitespace_files(tmp_path):
    for name, data in [("a.txt", b""), ("b.txt", b"  \n\t\n"), ("c.html", b""), ("d.jsonl", b"\n\n"),
                       ("e.rss", b""), ("f.warc", b"")]:
        p = tmp_path / name
        p.write_bytes(data)
        assert "empty" in skip_reason(p), name


def test_binary_file_with_text_suffix(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    assert "binary" in skip_reason(p)
    q = tmp_path / "blob.jsonl"
    q.write_bytes(b"\x00\x01\x02" * 1000)
    assert "binary" in skip_reason(q)


def test_undecodable_bytes(tmp_path):
    p = tmp_path / "a.txt"
    # bytes that are not UTF-8 and that no 8-bit encoding turns into clean text (C1 controls galore)
    p.write_bytes(("Ferry " * 5).encode() + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 400)
    assert "undecodable" in skip_reason(p)


def test_truncated_html(tmp_path):
    p = tmp_path / "cut.html"
    p.write_text(PAGE[: PAGE.index("</article>") - 20], encoding="utf-8")
    assert "truncated" in skip_reason(p)
    q = tmp_path / "cut2.html"
    q.write_text(PAGE[:-7] + "<div cla", encoding="utf-8")
    assert "truncated" in skip_reason(q)


def test_html_without_text(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><script>var a = 1;</script></head><body><div></div></body></html>")
    assert "no article text" in skip_reason(p)


def test_hostile_html_never_leaks_scripts(tmp_path):
    p = tmp_path / "hostile.html"
    p.write_text(f"""<html><head><script>alert('X1')</script><style>body{{color:red}} .X2{{}}</style></head>
<body onload="steal()"><article><p>{STORY}</p><script>document.write('X3')</script>
<p>{STORY}<img src=x onerror="alert('X4')"></p><noscript>X5</noscript><iframe src="javascript:alert('X6')">X6</iframe>
<svg><script>alert('X7')</script></svg></article></body></html>""")
    item = read_one(p)
    assert isinstance(item, RawItem)
    for marker in ("X1", "X2", "X3", "X4", "X5", "X6", "X7", "alert", "document.write"):
        assert marker not in item.text


def test_too_large_file(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(STORY * 50)
    assert "too large" in skip_reason(p, max_bytes=1000)
    g = tmp_path / "bomb.txt.gz"  # small on disk, large once decompressed
    g.write_bytes(gzip.compress(b"a" * 200_000))
    assert "too large" in skip_reason(g, max_bytes=100_000)


def test_malformed_jsonl_lines_are_skipped_with_line_numbers(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("\n".join([json.dumps({"text": STORY}), "{not json", json.dumps({"title": "no body"}),
                            json.dumps(["a", "list"]), json.dumps({"text": STORY + " Later."})]) + "\n")
    got = list(read_paths([p]))
    assert [type(g).__name__ for g in got] == ["RawItem", "Skip", "Skip", "Skip", "RawItem"]
    assert got[1].reason.startswith("line 2: malformed JSON")
    assert got[2].reason == "line 3: no text or html field"
    assert got[3].reason.startswith("line 4: expected a JSON object")
    assert got[4].record == "line 5"


def test_malformed_json_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('[{"text": "unterminated')
    assert "malformed JSON" in skip_reason(p)


def test_malformed_warc(tmp_path):
    p = tmp_path / "bad.warc"
    p.write_bytes(b"this is not a warc file at all\r\n" * 50)
    assert "malformed WARC" in skip_reason(p)
    q = tmp_path / "bad.warc.gz"
    q.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort"))
    assert "WARC" in skip_reason(q)


def test_feed_that_is_not_a_feed(tmp_path):
    p = tmp_path / "a.rss"
    p.write_text("<rss><channel><title>x</title><item><title>broken")
    assert skip_reason(p).startswith(("malformed feed", "feed has no entries"))


def test_corrupt_gzip(tmp_path):
    p = tmp_path / "a.txt.gz"
    p.write_bytes(gzip.compress(STORY.encode())[:30])
    assert "gzip" in skip_reason(p)


def test_unsupported_and_missing(tmp_path):
    p = tmp_path / "sheet.xlsx"
    p.write_bytes(b"PK\x03\x04 zip container")
    assert "unsupported file type .xlsx" == skip_reason(p)
    assert "no such file" in skip_reason(tmp_path / "missing.txt")


def test_bad_files_do_not_stop_good_ones(tmp_path):
    (tmp_path / "1_good.txt").write_text(STORY)
    (tmp_path / "2_empty.txt").write_text("")
    (tmp_path / "3_binary.html").write_bytes(b"\x00\xff" * 500)
    (tmp_path / "4_good.html").write_text(PAGE)
    got = list(read_paths([tmp_path]))
    assert [type(g).__name__ for g in got] == ["RawItem", "Skip", "Skip", "RawItem"]
