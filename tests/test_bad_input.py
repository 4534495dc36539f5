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


# ---- every named path is read or listed with a true reason --------------------------------------

def _reasons(paths):
    return {g.source_path: g.reason for g in read_paths(paths) if isinstance(g, Skip)}


def test_symlinked_folder_is_read_once_and_loops_are_named(tmp_path):
    import os

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text(STORY)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.symlink(real, corpus / "link1")
    os.symlink(real, corpus / "link2")
    os.symlink(corpus, corpus / "loop")          # leads back to the folder being walked
    os.symlink(corpus / "self", corpus / "self")  # a link to itself
    os.symlink(tmp_path / "gone", corpus / "dangling")
    got = list(read_paths([corpus]))
    items = [g for g in got if isinstance(g, RawItem)]
    assert [i.source_path for i in items] == [str(corpus / "link1" / "a.txt")]
    why = {g.source_path: g.reason for g in got if isinstance(g, Skip)}
    assert why[str(corpus / "link2")].startswith("folder already read as")
    assert why[str(corpus / "loop")].startswith("symlink loop")
    assert why[str(corpus / "self")] == "symlink loop"
    assert why[str(corpus / "dangling")].startswith("broken symlink")


def test_unreadable_folder_and_file_are_named(tmp_path, monkeypatch):
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(STORY)
    f = tmp_path / "secret.txt.gz"
    f.write_bytes(gzip.compress(STORY.encode()))
    real_listdir, real_open = os.listdir, type(f).open

    def listdir(p):  # the tests may run as root, which permissions do not stop
        if str(p) == str(locked):
            raise PermissionError(13, "Permission denied", str(p))
        return real_listdir(p)

    def open_(self, *a, **kw):
        if str(self) == str(f):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *a, **kw)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(type(f), "open", open_)
    why = _reasons([tmp_path])
    assert why == {str(locked): "permission denied", str(f): "permission denied"}


def test_hidden_folder_named_hidden_file_read_and_pipe_not_opened(tmp_path):
    import os

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (tmp_path / ".note.txt").write_text(STORY)
    os.mkfifo(tmp_path / "pipe.txt")
    got = list(read_paths([tmp_path]))
    assert [g.source_path for g in got if isinstance(g, RawItem)] == [str(tmp_path / ".note.txt")]
    why = {g.source_path: g.reason for g in got if isinstance(g, Skip)}
    assert why[str(tmp_path / ".git")].startswith("hidden folder")
    assert why[str(tmp_path / "pipe.txt")] == "not a regular file (a named pipe)"


def test_file_names_are_escaped_for_printing(tmp_path):
    from storylens.ingest.paths import display_path

    p = tmp_path / "bad\nskipped other.txt: forged line\x1b[31m.txt"
    p.write_bytes(b"")
    (s,) = [g for g in read_paths([tmp_path]) if isinstance(g, Skip)]
    assert s.source_path == str(p) and s.reason == "empty file"  # the path itself, as stored
    shown = display_path(s.source_path)
    assert "\n" not in shown and "\x1b" not in shown
    assert shown.endswith("bad\\nskipped other.txt: forged line\\x1b[31m.txt")


def test_undecodable_bytes_in_a_file_name(tmp_path):
    import os

    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes, not UTF-8
    (tmp_path / name).write_text(STORY)
    (item,) = read_paths([tmp_path])
    item.source_path.encode("utf-8")  # storable and printable
    assert item.source_path.endswith("caf\ufffd.txt")


def test_text_field_that_is_a_number(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": 12345}\n{"text": ["a", "b"]}\n')
    got = [g.reason for g in read_paths([p])]
    assert got == ["line 1: the 'text' field is a number, not text", "line 2: the 'text' field is a list, not text"]


def _warc_bytes(n, gz):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for i in range(n):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://x.example/{i}", "response",
                                            payload=io.BytesIO(PAGE.replace("Ferry", f"Ferry {i}").encode()),
                                            http_headers=http))
    return buf.getvalue()


def test_truncated_warc_is_reported_as_truncated(tmp_path):
    data = _warc_bytes(3, gz=True)
    for cut in (len(data) // 2, len(data) - 8):
        p = tmp_path / f"cut{cut}.warc.gz"
        p.write_bytes(data[:cut])
        got = list(read_paths([p]))
        assert isinstance(got[-1], Skip) and got[-1].reason.startswith("truncated"), got[-1]
        assert any(isinstance(g, RawItem) for g in got)  # records before the cut survive
    plain = _warc_bytes(2, gz=False)
    q = tmp_path / "cut.warc"
    q.write_bytes(plain[:-100])
    got = list(read_paths([q]))
    assert isinstance(got[0], RawItem) and "truncated record" in got[1].reason


def test_deeply_nested_html_is_extracted(tmp_path):
    for depth in (400, 3000):
        p = tmp_path / f"deep{depth}.html"
        p.write_text("<html><head><title>Ferry stopped</title><script>alert('X1')</script></head><body>"
                     + "<div>" * depth + f"<p>{STORY}</p>" + "</div>" * depth + "</body></html>")
        item = read_one(p)
        assert isinstance(item, RawItem) and STORY in " ".join(item.text.split()) and "X1" not in item.text


# ---- limits: one summary line, not a flood ------------------------------------------------------

def test_many_bad_records_give_one_summary_line(tmp_path):
    p = tmp_path / "empty_objects.jsonl.gz"
    p.write_bytes(gzip.compress(b"{}\n" * 200_000))
    assert p.stat().st_size < 2000
    got = list(read_paths([p]))
    assert all(isinstance(g, Skip) for g in got) and len(got) <= 5
    assert "no text or html field" in got[-1].reason and "more records skipped" in got[-1].reason
    q = tmp_path / "newlines.jsonl"
    q.write_bytes(b"\n" * 3_000_000)
    assert skip_reason(q) == "empty file"


def test_good_records_after_bad_ones_are_still_read(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_text("{}\n" * 50 + json.dumps({"text": STORY}) + "\n")
    got = list(read_paths([p]))
    assert [g.record for g in got if isinstance(g, RawItem)] == ["line 51"]
    assert sum(isinstance(g, Skip) for g in got) == 4  # three listed, one summary
    assert got[-1].reason == "47 more records skipped (no text or html field: 47)"


# ---- too short or too garbled to be news ---------------------------------------------------------

def test_junk_is_skipped_but_one_sentence_is_news(tmp_path):
    cases = {
        "word.txt": ("Putin", "too short"),
        "mojibake.txt": (("Le président a déclaré à la presse que l’économie était forte. " * 5)
                         .encode("utf-8").decode("cp1252", "replace"), "garbled"),
        "entities.txt": ("&#84;&#104;&#101; &#102;&#101;&#114;&#114;&#121; &#115;&#116;&#111;&#112;&#112;&#101;&#100; " * 8,
                         "entity"),
    }
    for name, (text, want) in cases.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        assert want in skip_reason(p), name
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps({"text": "Rebels seized the town of Osk on Monday, the army said."}) + "\n"
                    + json.dumps({"text": "Markets closed early."}) + "\n")
    assert [type(g).__name__ for g in read_paths([wire])] == ["RawItem", "RawItem"]
