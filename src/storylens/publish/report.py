"""`write_report(store, path)`: one self-contained report.html with every view of the analysis.

No network is needed to read it: styles are inline, charts are inline SVG, and links point to
anchors inside the file. It carries no script at all, and a Content-Security-Policy that
forbids scripts, so a hostile article cannot run code in the reader's browser.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from . import views
from .corpus import Corpus
from .positions_view import positions_view
from .render import render

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def report_html(corpus: Corpus, *, csp: bool = True) -> str:
    an = corpus.an
    story_views = [v for v in (views.story_view(corpus, s.id) for s in an.stories) if v]
    # Every actor that a view can link to gets its own section, so no link dangles.
    actor_views = [v for v in (views.actor_view(corpus, a.id) for a in an.actors) if v]
    article_views = [v for v in (views.article_view(corpus, a.id) for a in an.articles) if v]
    return render("report", "report.html", title="Report", csp=REPORT_CSP if csp else None,
                  generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  index=views.index_view(corpus), stories=story_views,
                  timeline=views.timeline_view(corpus), actors=views.actors_view(corpus),
                  heatmap=views.heatmap_view(corpus), contradictions=views.contradictions_view(corpus),
                  gaps=views.gaps_view(corpus), actor_views=actor_views, article_views=article_views,
                  positions=positions_view(corpus))


def write_report(store, path: str | Path, *, csp: bool = True) -> Path:
    """Render the whole stored analysis into one HTML file (written atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = report_html(Corpus(store.load_analysis()), csp=csp)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
