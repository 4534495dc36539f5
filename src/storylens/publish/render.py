"""The Jinja environment shared by the report and the web app.

Autoescaping is on for every template, and data is never marked safe: article text, titles,
names and URLs all reach the page escaped. Links differ by mode only: the app links to its
pages (/actor/ID), the single-file report to anchors inside itself (#actor-ID).
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from jinja2 import ChainableUndefined, Environment, PackageLoader

PAGES = ("index", "timeline", "actors", "heatmap", "contradictions", "gaps", "search", "articles", "positions")
_DOM_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def dom_id(*parts) -> str:
    """A stable HTML id / URL fragment for any id string (escapes everything unusual as _xx)."""
    s = "-".join(str(p) for p in parts if p is not None and p != "")
    return _DOM_UNSAFE.sub(lambda m: "_%x_" % ord(m.group()), s)


def safe_url(url) -> str | None:
    """Only absolute http(s) URLs become links; javascript:, data: and the rest are shown as text."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ch in url for ch in "\x00\r\n\t") or any(ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _app_href(kind: str, ident=None, frag=None, **params) -> str:
    if kind in PAGES:
        path = "/" if kind == "index" else f"/{kind}"
    else:
        path = f"/{kind}/{quote(str(ident), safe='')}"
    if params:
        from urllib.parse import urlencode

        path += "?" + urlencode({k: v for k, v in params.items() if v is not None})
    return path + ("#" + dom_id(frag) if frag else "")


def _report_href(kind: str, ident=None, frag=None, **params) -> str:
    if frag:
        return "#" + dom_id(frag)
    if kind in PAGES:
        return "#" + kind
    return "#" + dom_id(kind, ident)


@lru_cache(maxsize=2)
def environment(mode: str) -> Environment:
    env = Environment(loader=PackageLoader("storylens.publish", "templates"), autoescape=True,
                      undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["href"] = _app_href if mode == "app" else _report_href
    env.globals["dom_id"] = dom_id
    env.globals["mode"] = mode
    env.filters["safe_url"] = safe_url
    env.filters["signed"] = lambda v: "" if v is None else f"{float(v):+.2f}"
    return env


def render(mode: str, template: str, **ctx) -> str:
    return environment(mode).get_template(template).render(**ctx)
