"""Full-text search over articles and quotes (SQLite FTS5), safe for any user input."""
from __future__ import annotations

import re
import sqlite3

from .corpus import Corpus

# Private-use characters mark hits inside FTS5 snippets; they never occur in article text we show,
# and the markup around hits is added by the template after escaping, never by SQLite.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(q: str) -> str | None:
    """User text → an FTS5 query of quoted terms (all must match), so no input is FTS5 syntax."""
    words = _WORD.findall(q or "")[:12]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _pieces(snippet: str) -> list[dict]:
    out = []
    for part in re.split(f"({HIT_OPEN}.*?{HIT_CLOSE})", snippet or ""):
        if not part:
            continue
        hit = part.startswith(HIT_OPEN)
        out.append({"text": part.strip(HIT_OPEN + HIT_CLOSE), "hit": hit})
    return out


def search_view(conn: sqlite3.Connection, c: Corpus, q: str, limit: int = 50) -> dict:
    query = fts_query(q)
    res = {"q": q or "", "articles": [], "quotes": []}
    if query is None:
        return res
    try:
        rows = conn.execute(
            "SELECT article_id, snippet(articles_fts, 2, ?, ?, '…', 24) AS snip, bm25(articles_fts) AS score "
            "FROM articles_fts WHERE articles_fts MATCH ? ORDER BY score LIMIT ?",
            (HIT_OPEN, HIT_CLOSE, query, limit)).fetchall()
        for r in rows:
            res["articles"].append({**c.article_ref(r["article_id"]), "snippet": _pieces(r["snip"])})
        rows = conn.execute(
            "SELECT quote_id, article_id, highlight(quotes_fts, 2, ?, ?) AS hl, speaker_text, bm25(quotes_fts) AS score "
            "FROM quotes_fts WHERE quotes_fts MATCH ? ORDER BY score LIMIT ?",
            (HIT_OPEN, HIT_CLOSE, query, limit)).fetchall()
    except sqlite3.OperationalError as exc:
        res["error"] = f"search failed: {exc}"
        return res
    for r in rows:
        qt = c.quotes.get(r["quote_id"])
        speaker = qt.speaker if qt is not None and qt.speaker in c.actors else None
        res["quotes"].append({"id": r["quote_id"], **c.article_ref(r["article_id"]),
                              "speaker": speaker,
                              "speaker_name": c.actor_name(speaker) if speaker else r["speaker_text"],
                              "text": qt.text if qt is not None else None, "highlighted": _pieces(r["hl"])})
    return res
