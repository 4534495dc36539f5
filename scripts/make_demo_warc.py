"""Build examples/demo/continental_wire.warc.gz from scripts/demo_warc/*.html.

The WARC mimics a small news crawl (as in CC-News): a warcinfo record, a request and an
HTML response record per page, plus one non-HTML response (robots.txt) that readers must
ignore. Record dates are fixed so the output is byte-for-byte reproducible.

    .venv/bin/python scripts/make_demo_warc.py
"""
from __future__ import annotations

import io
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "scripts" / "demo_warc"
OUT = ROOT / "examples" / "demo" / "continental_wire.warc.gz"
PAGES = {"continental_wire.html": "https://continentalwire.example/world/2026/03/02/brenna-drone-strike"}
DATE = "2026-03-02T07:00:00Z"


def _headers(key: str) -> dict:
    rid = uuid.uuid5(uuid.NAMESPACE_URL, key)
    return {"WARC-Date": DATE, "WARC-Record-ID": f"<urn:uuid:{rid}>"}


def _response(writer: WARCWriter, url: str, body: bytes, ctype: str):
    http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                    warc_headers_dict=_headers("response " + url))
    writer.write_record(rec)


def main() -> Path:
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(OUT.name, {"software": "storylens demo", "format": "WARC File Format 1.0"})
        info.rec_headers.replace_header("WARC-Date", DATE)
        info.rec_headers.replace_header("WARC-Record-ID", _headers("warcinfo")["WARC-Record-ID"])
        writer.write_record(info)
        _response(writer, "https://continentalwire.example/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")
        for name, url in PAGES.items():
            body = (SRC / name).read_bytes()
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "continentalwire.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req,
                                                          warc_headers_dict=_headers("request " + url)))
            _response(writer, url, body, "text/html; charset=utf-8")
    return OUT


if __name__ == "__main__":
    print(main())
