"""A generator of hostile input: every kind of broken, junk or tricky file, mixed with good articles.

``build(root)`` writes the corpus under ``root`` and returns a :class:`Corpus` that says what must
come out: the sentence each good article must be stored with, and for each bad input the path the
run must name (as printed: escaped) and a word its reason must contain. ``big=True`` adds the large
cases (a gigantic file, a 1M-character article, a 200,000-line gzip file) that belong in a
benchmark, not in the test suite.

    python tests/hostile.py OUT_DIR [--big]     # write a corpus to look at or to run by hand
"""
from __future__ import annotations

import gzip
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# ---- good articles: invented stories, each with a sentence that must survive ----------------------

STORIES = [
    ("The river ferry between Ostrin and Calda stopped running on Tuesday after the operator reported an "
     "engine fault.", "A spokeswoman for the operator said a replacement vessel would arrive from the coast by "
     "the weekend, and that passengers could use the bus link until then."),
    ("The harbour authority of Port Selma closed the northern pier on Friday after inspectors found cracks in "
     "two concrete pylons.", "Director Amaia Rusk said repairs would take at least three weeks and cost about "
     "four million crowns."),
    ("Farmers in the Marrow Valley blocked the main road to Lessing for six hours on Monday in protest against "
     "the suspension of water deliveries.", "Police said the blockade ended peacefully after the county "
     "promised talks with the irrigation cooperative on Thursday."),
    ("The city council of Vell voted on Wednesday to close the old tram depot and sell the land to a housing "
     "cooperative.", "Mayor Ines Karr said the sale would pay for two new tram lines to the eastern districts."),
    ("Vastria and Morland agreed on Saturday to reopen the Tarn border crossing for trucks after two months of "
     "closure.", "Customs officers from both countries will share one checkpoint, the transport ministry said."),
    ("Teachers in the northern province of Osk went on strike on Thursday, closing more than two hundred "
     "schools.", "The union said the strike would last until the provincial government agreed to talks on pay."),
    ("Café owners in Port Selma said the pier closure was a blow to the summer season.", "The chamber of "
     "commerce asked the harbour authority to open a temporary walkway for visitors."),
    ("Engineers from the regional roads agency found that the Calda bridge could carry only half its rated "
     "load.", "Heavy trucks will be diverted through Ostrin until the bridge is strengthened next spring."),
]
WIRE = ("Vastrian Foreign Minister Christopher Lund telephoned Morland's prime minister on Tuesday to discuss "
        "efforts to reopen the Tarn crossing, the state news agency said.")


def story(i: int) -> str:
    a, b = STORIES[i % len(STORIES)]
    return f"{a} {b}"


def page(title: str, body: str, extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{extra}</head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
            f"<footer>All rights reserved.</footer></body></html>")


@dataclass
class Corpus:
    root: Path
    good: dict[str, str] = field(default_factory=dict)   # label → a sentence the stored article must contain
    bad: dict[str, str] = field(default_factory=dict)    # printed path (or path + record) → word in its reason
    markers: list[str] = field(default_factory=list)     # strings that must never reach any article text


def _warc(records: list[tuple[str, bytes]], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for url, body in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


def build(root: Path, big: bool = False) -> Corpus:
    root = Path(root)
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    c = Corpus(corpus)

    def good(name: str, data: str | bytes, sentence: str) -> Path:
        p = corpus / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        c.good[name] = sentence
        return p

    def bad(name: str, data: str | bytes, why: str, shown: str | None = None) -> Path:
        p = corpus / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        c.bad[shown or str(p)] = why
        return p

    # -- good articles in every format
    good("good/plain.txt", f"Ferry stops at Ostrin\n\n{story(0)}\n\n{STORIES[7][0]}", STORIES[0][0])
    good("good/page.html", page("Northern pier closed", f"{story(1)}\n\n{STORIES[6][1]}"), STORIES[1][0])
    good("good/wire.jsonl", json.dumps({"text": WIRE}) + "\n" + json.dumps({"text": story(2), "title": "Road blocked"})
         + "\n", WIRE)
    c.good["good/wire.jsonl#2"] = STORIES[2][0]
    rss = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Vell Daily</title>"
           f"<item><title>Karr</title><link>https://vell.example/1</link><description>{story(3)}</description></item>"
           f"</channel></rss>")
    good("good/feed.rss", rss, STORIES[3][0])  # a one-word title must not delete the lead
    good("good/crawl.warc.gz", _warc([("https://tarn.example/1", page("Tarn reopens", story(4)).encode())], True),
         STORIES[4][0])
    good("good/cp1252.txt", f"{story(6)}\n\nThe walkway would cost “very little”, the chamber said.".encode("cp1252"),
         STORIES[6][0])
    markers = ["HOSTILE-SCRIPT-1", "HOSTILE-SCRIPT-2", "HOSTILE-STYLE", "HOSTILE-IFRAME"]
    c.markers += markers
    good("good/hostile.html",
         f"<html><head><script>alert('{markers[0]}')</script><style>.{markers[2]}{{}}</style></head>"
         f"<body onload=\"steal()\"><article><p>{story(5)}</p><script>document.write('{markers[1]}')</script>"
         f"<p>{STORIES[5][1]}<img src=x onerror=\"alert(1)\"></p><iframe src=\"javascript:alert(1)\">{markers[3]}</iframe>"
         f"</article></body></html>", STORIES[5][0])
    good("good/deep.html", "<html><head><title>Calda bridge</title></head><body>" + "<div>" * 400
         + f"<p>{story(7)}</p>" + "</div>" * 400 + "</body></html>", STORIES[7][0])
    good(".hidden_note.txt", f"Tram depot to close\n\n{story(3)}", STORIES[3][0])

    # -- a folder reached through a symlink (read once), a loop, a dangling link
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text(f"Strike in Osk\n\n{story(5)}\n\n{STORIES[0][1]}", encoding="utf-8")
    os.symlink(elsewhere, corpus / "linked_folder")
    c.good["linked_folder/linked.txt"] = STORIES[5][0]
    os.symlink(elsewhere, corpus / "second_link")
    c.bad[str(corpus / "second_link")] = "already read"
    os.symlink(corpus, corpus / "loop")
    c.bad[str(corpus / "loop")] = "symlink loop"
    os.symlink(corpus / "self_link", corpus / "self_link")
    c.bad[str(corpus / "self_link")] = "symlink loop"
    os.symlink(root / "nowhere.txt", corpus / "dangling.txt")
    c.bad[str(corpus / "dangling.txt")] = "broken symlink"
    (corpus / ".cache").mkdir()
    (corpus / ".cache" / "x.txt").write_text(story(0))
    c.bad[str(corpus / ".cache")] = "hidden folder"
    os.mkfifo(corpus / "pipe.txt")
    c.bad[str(corpus / "pipe.txt")] = "named pipe"
    if os.geteuid() != 0:  # permissions do not stop root
        locked = corpus / "locked"
        locked.mkdir()
        (locked / "a.txt").write_text(story(0))
        locked.chmod(0)
        c.bad[str(locked)] = "permission denied"

    # -- empty, binary, wrong encoding, junk
    bad("bad/empty.txt", b"", "empty")
    bad("bad/blank.md", b"  \n\t\n\n", "empty")
    bad("bad/newlines.txt", b"\n" * 100_000, "empty")
    bad("bad/photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20, "binary")
    bad("bad/image.html", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 10, "binary")
    bad("bad/c1.txt", b"Ferry " * 5 + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 400, "undecodable")
    bad("bad/one_word.txt", "Putin", "too short")
    bad("bad/two_words.txt", "Share this", "too short")
    mojibake = ("Le président a déclaré à la presse que l’économie était forte. " * 6).encode("utf-8").decode("cp1252", "replace")
    bad("bad/mojibake.txt", mojibake, "garbled")
    bad("bad/entities.txt", "".join(f"&#{ord(ch)};" for ch in story(0)), "garbled")
    bad("bad/sheet.xlsx", b"PK\x03\x04 zip container", "unsupported")
    bad("bad/noext", b"just some bytes without a type", "unsupported")
    evil = "evil\nskipped forged.txt: fake reason\x1b[2J.txt"
    bad(f"bad/{evil}", b"", "empty", shown=str(corpus / "bad" / "evil\\nskipped forged.txt: fake reason\\x1b[2J.txt"))

    # -- truncated and malformed containers
    full = page("Ferry", story(0))
    bad("bad/truncated.html", full[: full.index("</article>") - 30], "truncated")
    bad("bad/empty_page.html", "<html><head><script>var a = 1;</script></head><body><div></div></body></html>",
        "no article text")
    bad("bad/scripts_only.html", "<html><body><script>alert('HOSTILE-SCRIPT-3')</script></body></html>", "no article text")
    c.markers.append("HOSTILE-SCRIPT-3")
    bad("bad/malformed.json", '[{"text": "unterminated', "malformed JSON")
    bad("bad/top_number.json", "42", "malformed JSON")
    bad("bad/number_text.jsonl", json.dumps({"text": 12345}) + "\n", "a number")
    lines = "\n".join(["{not json", json.dumps({"title": "no body"}), json.dumps(["a", "list"]),
                       json.dumps({"text": story(1)})]) + "\n"
    p = bad("bad/mixed.jsonl", lines, "malformed JSON")
    c.good["bad/mixed.jsonl#4"] = STORIES[1][0]  # the good line in a bad file survives
    bad("bad/empty_objects.jsonl.gz", gzip.compress(b"{}\n" * 2000), "more records skipped")
    bad("bad/notwarc.warc", b"this is not a warc file at all\r\n" * 50, "WARC")
    warc = _warc([(f"https://x.example/{i}", page("T", story(i)).encode()) for i in range(3)], True)
    bad("bad/truncated.warc.gz", warc[: len(warc) // 2], "truncated")
    bad("bad/broken.rss", "<rss><channel><title>x</title><item><title>broken", "feed")
    bad("bad/corrupt.txt.gz", gzip.compress(story(0).encode())[:30], "gzip")
    bad("bad/not_gzip.jsonl.gz", b"this is not gzip at all", "not gzip")

    if big:
        _big(c, corpus)
    return c


def long_report(n_chars: int, seed: int = 7) -> str:
    """Distinct paragraphs of news-like sentences (repeated paragraphs would be removed by the cleaner,
    and the article would not stay long)."""
    import random

    rng = random.Random(seed)
    who = ["the harbour authority", "Mayor Ines Karr", "the transport ministry", "Director Amaia Rusk",
           "the farmers' union", "police in Ostrin", "the county council", "Foreign Minister Christopher Lund",
           "the teachers' union", "customs officers"]
    did = ["said it would inspect", "promised to reopen", "refused to pay for", "asked for talks on",
           "criticised the plan for", "approved new money for", "delayed the vote on", "warned about delays at"]
    what = ["the northern pier", "the Calda bridge", "the Tarn crossing", "the old tram depot", "the valley canals",
            "two new tram lines", "the coastal road", "the ferry link", "the eastern schools", "the grain terminal"]
    when = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week", "in March", "in the autumn"]
    paras, size = [], 0
    while size < n_chars:
        sents = []
        for _ in range(4):
            a, b = rng.sample(who, 2)
            sents.append(f"{a[0].upper() + a[1:]} {rng.choice(did)} {rng.choice(what)} {rng.choice(when)}, "
                         f"and {b} put the cost at {rng.randint(2, 950)} million crowns.")
        paras.append(" ".join(sents))
        size += len(paras[-1]) + 2
    return "\n\n".join(paras)


def _big(c: Corpus, corpus: Path) -> None:
    """Large cases: time and memory, not correctness of one line."""
    p = corpus / "big" / "million_chars.txt"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("A very long report\n\n" + story(0) + "\n\n" + long_report(1_000_000), encoding="utf-8")
    c.good["big/million_chars.txt"] = STORIES[0][0]
    g = corpus / "big" / "empty_objects_200k.jsonl.gz"
    g.write_bytes(gzip.compress(b"{}\n" * 200_000))
    c.bad[str(g)] = "more records skipped"
    huge = corpus / "big" / "gigantic.txt"
    with huge.open("wb") as fh:  # over the 50 MB per-file limit
        chunk = (story(0) + "\n\n").encode() * 2000
        while fh.tell() < 60 * 1024 * 1024:
            fh.write(chunk)
    c.bad[str(huge)] = "too large"
    bomb = corpus / "big" / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * (80 * 1024 * 1024)))
    c.bad[str(bomb)] = "too large"
    nl = corpus / "big" / "newlines.jsonl"
    nl.write_bytes(b"\n" * (40 * 1024 * 1024))
    c.bad[str(nl)] = "empty"


if __name__ == "__main__":
    out = Path(sys.argv[1])
    corp = build(out, big="--big" in sys.argv)
    print(f"{len(corp.good)} good articles, {len(corp.bad)} bad inputs under {corp.root}")
