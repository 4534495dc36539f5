"""HTML → article text and metadata.

Full pages go through trafilatura (main text, title, author, date, site name, URL). Small
fragments (feed entries, JSON ``html`` fields) go through a plain lxml walk that keeps block
structure as lines. Neither path ever lets script, style or other active content into the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from html import unescape
from html.parser import HTMLParser

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
_HUGE = lxml.html.HTMLParser(huge_tree=True)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass
class Extracted:
    text: str
    extractor: str | None = "trafilatura"
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


# libxml2 stops building the tree past this nesting depth (without huge_tree) and drops what is deeper.
_LXML_DEPTH = 255
# Past this depth even the unlimited tree is too slow to build and walk; the tag stream is used.
_TREE_DEPTH = 1000
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr", "p", "li", "td", "tr", "th", "option", "dt", "dd"}  # void or often left open


class _Visible(HTMLParser):
    """Visible text from a stream of tags: no tree, so no limit on nesting depth."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.depth = self.max_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
        if tag in _DROP:
            self.hidden += 1
        elif tag == "br" or tag in _BLOCK:
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag):
        self.depth = max(0, self.depth - 1)
        if tag in _DROP:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def visible_text(html: str) -> str:
    """Visible text of any HTML, however deeply nested, one line per block element."""
    return _visible(html)[0]


def _visible(html: str) -> tuple[str, int]:
    p = _Visible()
    p.feed(html)
    p.close()
    return _tidy("".join(p.out)), p.max_depth


def fragment_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one line per block element, scripts and styles dropped."""
    if "<" not in html:
        return _tidy(html)
    text = _lxml_fragment_text(html)
    if html.count("<") > 2 * _LXML_DEPTH:
        # Deep nesting loses text in the tree builder; the tag stream keeps it.
        alt = visible_text(html)
        if len(alt) > 1.5 * len(text) + 100:
            return alt
    return text


def _lxml_fragment_text(html: str) -> str:
    try:
        root = lxml.html.fromstring(f"<div>{html}</div>", parser=_HUGE)
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
    extracted = True  # the text is trafilatura's main text (not the page's whole visible text)
    if len(text) < SHORT_TEXT:
        alt = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True)
        if alt is not None and len(alt.text or "") > len(text):
            doc, text = alt, alt.text or ""
    if len(text) < SHORT_TEXT and html.count("<") > _LXML_DEPTH:
        # A page nested deeper than the parser's limit: trafilatura sees only its shallow part
        # (often just the title). Parse it again without the limit, and read the tag stream if
        # even that tree is cut.
        deep = _deep_page(html, url)
        if deep is not None and len(deep[1]) > len(text):
            doc, text, extracted = deep
    if not text.strip():
        extracted = False
        text = fragment_to_text(html)
    if not text.strip():
        raise BadInput("no article text found in the HTML")
    if doc is None:
        m = _TITLE.search(html[:200000])
        title = _tidy(unescape(m.group(1))) if m else None
        return Extracted(text=_tidy(text), title=title or None, url=url, extractor=None)
    return Extracted(text=_tidy(text), title=doc.title or None, author=doc.author or None,
                     published=doc.date or None, outlet=doc.sitename or None, url=doc.url or url,
                     extractor="trafilatura" if extracted else None)


def _deep_page(html: str, url: str | None):
    """(trafilatura document or None, text, whether trafilatura chose the text) for a page too deep
    for the default parser."""
    import trafilatura

    visible, depth = _visible(html)
    if len(visible) < SHORT_TEXT:
        return None
    doc = None
    if depth > _TREE_DEPTH:
        return None, visible, False
    try:
        root = lxml.html.document_fromstring(html, parser=_HUGE)
        doc = trafilatura.bare_extraction(root, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True)
    except (etree.ParserError, ValueError, RecursionError):
        doc = None
    text = (doc.text if doc is not None else "") or ""
    if len(text) >= 0.5 * len(visible):
        return doc, text, True
    return doc, visible, False
