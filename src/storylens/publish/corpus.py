"""An in-memory index over a stored Analysis, so every view is a few dictionary look-ups.

The report builds one from the store once; the web app keeps one and rebuilds it only when
the database changes (SQLite's ``data_version``), so page loads never rescan the tables.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path

from ..model import Analysis, Article
from ..outlets import outlet_name


class Corpus:
    def __init__(self, an: Analysis):
        self.an = an
        self._memo: dict = {}
        self.articles: dict[str, Article] = {a.id: a for a in an.articles}
        self.actors = {a.id: a for a in an.actors}
        self.stories = {s.id: s for s in an.stories}
        self.claims = {c.id: c for c in an.claims}
        self.quotes = {q.id: q for q in an.quotes}
        self.story_of: dict[str, str] = {}
        for s in an.stories:
            for aid in s.article_ids:
                self.story_of.setdefault(aid, s.id)
        self.quotes_by_article = defaultdict(list)
        self.quotes_by_speaker = defaultdict(list)
        for q in an.quotes:
            self.quotes_by_article[q.article_id].append(q)
            if q.speaker:
                self.quotes_by_speaker[q.speaker].append(q)
        self.events_by_article = defaultdict(list)
        self.events_by_actor = defaultdict(list)
        for e in an.events:
            self.events_by_article[e.article_id].append(e)
            for role, who in (("source", e.source), ("target", e.target)):
                if who:
                    self.events_by_actor[who].append((role, e))
        # (actor_id, Mention) per article, sorted by offset, for highlighting and "talks about".
        self.mentions_by_article = defaultdict(list)
        for ac in an.actors:
            for m in ac.mentions:
                self.mentions_by_article[m.article_id].append((ac.id, m))
        for lst in self.mentions_by_article.values():
            lst.sort(key=lambda x: (x[1].start, x[1].end))
        # Who talks about whom: actors mentioned inside each quote (bisect over the sorted mentions).
        self.quote_subjects: dict[str, list[str]] = {}
        self.quotes_about = defaultdict(list)
        starts = {aid: [m.start for _, m in lst] for aid, lst in self.mentions_by_article.items()}
        for q in an.quotes:
            lst = self.mentions_by_article.get(q.article_id, [])
            i = bisect_left(starts.get(q.article_id, []), q.start)
            subjects = []
            while i < len(lst) and lst[i][1].start < q.end:
                actor_id, m = lst[i]
                if m.end <= q.end and actor_id != q.speaker and actor_id not in subjects:
                    subjects.append(actor_id)
                i += 1
            self.quote_subjects[q.id] = subjects
            for actor_id in subjects:
                self.quotes_about[actor_id].append(q)
        self.framing_by_story = defaultdict(list)
        self.framing_by_actor = defaultdict(list)
        for f in an.framing:
            self.framing_by_story[f.story_id].append(f)
            self.framing_by_actor[f.actor_id].append(f)
        self.claims_by_story = defaultdict(list)
        for c in an.claims:
            self.claims_by_story[c.story_id].append(c)
        self.contradictions_by_story = defaultdict(list)
        for x in an.contradictions:
            self.contradictions_by_story[x.story_id].append(x)
        self.gaps_by_story = defaultdict(list)
        for g in an.coverage_gaps:
            self.gaps_by_story[g.story_id].append(g)

    def memo(self, key, make):
        """Results that many pages share (a story's briefing), computed once per Corpus."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def outlet(self, article_id: str | None) -> str:
        """The outlet name the other stages use (:func:`storylens.outlets.outlet_name`)."""
        a = self.articles.get(article_id or "")
        return "unknown outlet" if a is None else outlet_name(a)

    def actor_name(self, actor_id: str | None) -> str | None:
        if not actor_id:
            return None
        ac = self.actors.get(actor_id)
        return ac.name if ac else actor_id

    def article_ref(self, article_id: str | None) -> dict:
        a = self.articles.get(article_id or "")
        return {"article_id": article_id, "outlet": self.outlet(article_id),
                "title": (a.title if a else None) or (Path(a.source_path).name if a else article_id),
                "published": a.published if a else None}


class CorpusCache:
    """Keeps the Corpus for a read-only store and rebuilds it when another connection commits."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self._version = None
        self._corpus: Corpus | None = None

    def _data_version(self):
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def get(self) -> Corpus:
        with self.lock:
            v = self._data_version()
            if self._corpus is None or v != self._version:
                self._corpus = Corpus(self.store.load_analysis())
                self._version = v
            return self._corpus
