"""HTML → article text and metadata.

Full pages go through trafilatura (main text, title, author, date, site name, URL). Small
fragments (feed entries, JSON ``html`` fields) go through a plain lxml walk that keeps block
structure as lines. Neither path ever lets script, style or other active content into the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from .source import BadInput

# Elements whose content is never article text (active content, styling, embedded objects, forms).
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
         "form", "button", "select", "textarea", "head")
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
          "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
          "figure", "figcaption", "hr", "address", "details", "summary"}
SHORT_TEXT = 250  # characters
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None


def is_truncated(html: str) -> bool:
    """The document stops inside a tag, or opens <html>/<body> and closes neither."""
    s = html.rstrip()
    if s.rfind("<") > s.rfind(">"):
        return True
    low = s[:4096].lower() + s[-4096:].lower() if len(s) > 8192 else s.lower()
    opened = "<html" in low or "<body" in low
    return opened and "</html>" not in low and "</body>" not in low


def fragment_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one line per block element, scripts and styles dropped."""
    if "<" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fromstring(f"<div>{html}</div>")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("|".join(f"//{t}" for t in _DROP)):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br" or el.tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_WS.sub(" ", ln).strip() for ln in text.splitlines())
    return "\n".join(ln for ln in lines if ln)


def extract_page(html: str, url: str | None = None) -> Extracted:
    """Main text and metadata of a full HTML page (trafilatura), with a plain-text fallback."""
    import trafilatura

    if is_truncated(html):
        raise BadInput("truncated HTML: the document ends before it closes")
    # favor_precision without comments scored best on the extraction benchmark (benchmarks/extraction.py);
    # when it keeps almost nothing, the default settings get a second chance.
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, favor_precision=True)
    text = (doc.text if doc is not None else "") or ""
    if len(text) < SHORT_TEXT:
        alt = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True)
        if alt is not None and len(alt.text or "") > len(text):
            doc, text = alt, alt.text or ""
    if not text.strip():
        text = fragment_to_text(html)
    if not text.strip():
        raise BadInput("no article text found in the HTML")
    if doc is None:
        return Extracted(text=text, url=url)
    return Extracted(text=_tidy(text), title=doc.title or None, author=doc.author or None,
                     published=doc.date or None, outlet=doc.sitename or None, url=doc.url or url)
