"""View models: one function per page, each returning plain JSON-ready data.

The same dict feeds the HTML template (app and report) and the page's JSON twin under
/api/..., so what a reader sees and what a program reads cannot drift apart. Every view
copes with empty tables: a store with articles but no stories still renders.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from ..text import sentence_spans
from . import charts, series
from .corpus import Corpus

CONTEXT_CHARS = 220
LIST_CAP = 200   # longest list a page shows; the JSON twin gives the total next to it


# ---- small helpers --------------------------------------------------------
def _ref(c: Corpus, article_id, start=None, end=None, text=None) -> dict:
    return {**c.article_ref(article_id), "start": start, "end": end, "text": text}


def _context(c: Corpus, article_id: str, start, end, fallback: str = "") -> dict:
    """The span with a little text either side, cut at sentence-ish boundaries."""
    a = c.articles.get(article_id)
    if a is None or start is None or end is None or not (0 <= start <= end <= len(a.text)):
        return {"before": "", "span": fallback, "after": ""}
    t = a.text
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(t), end + CONTEXT_CHARS)
    cut = max(t.rfind(". ", lo, start), t.rfind("\n", lo, start))
    if cut >= 0:
        lo = cut + 1
    nxt = [i for i in (t.find(". ", end, hi), t.find("\n", end, hi)) if i >= 0]
    if nxt:
        hi = min(nxt) + 1
    return {"before": ("…" if lo > 0 else "") + t[lo:start].lstrip(), "span": t[start:end],
            "after": t[end:hi].rstrip() + ("…" if hi < len(t) else "")}


def _event(c: Corpus, e) -> dict:
    """An event as pages show it; kept per Corpus since the story, timeline and actor pages share them."""
    cache = c.memo("events", dict)
    d = cache.get(e.id)
    if d is None or d["article_id"] != e.article_id:
        d = cache[e.id] = _make_event(c, e)
    return d


def _make_event(c: Corpus, e) -> dict:
    a = c.articles.get(e.article_id)
    date, date_source = e.date, "event"
    if not date and a is not None and a.published:
        date, date_source = a.published, "article"
    return {"id": e.id, "article_id": e.article_id, "outlet": c.outlet(e.article_id), "date": date,
            "date_source": date_source if date else None, "date_text": e.date_text,
            "type": e.type, "cameo": e.cameo, "mode": e.mode,
            "source": e.source if e.source in c.actors else None, "source_name": c.actor_name(e.source) or e.source_text,
            "target": e.target if e.target in c.actors else None, "target_name": c.actor_name(e.target) or e.target_text,
            "trigger": e.trigger, "location": e.location, "sentence": e.sentence, "start": e.start, "end": e.end}


def _event_date(c: Corpus, e) -> str | None:
    """The event's own date, else its article's (the order the timeline uses)."""
    if e.date:
        return e.date
    a = c.articles.get(e.article_id)
    return a.published if a is not None else None


def _quote(c: Corpus, q) -> dict:
    return {"id": q.id, "article_id": q.article_id, "outlet": c.outlet(q.article_id), "text": q.text,
            "kind": q.kind, "start": q.start, "end": q.end,
            "speaker": q.speaker if q.speaker in c.actors else None,
            "speaker_name": c.actor_name(q.speaker) if q.speaker in c.actors else q.speaker_text,
            "cue": q.cue}


def _side(c: Corpus, st) -> dict:
    return {**_ref(c, st.article_id, st.start, st.end, st.text), "outlet": st.outlet or c.outlet(st.article_id),
            "stance": st.stance, "context": _context(c, st.article_id, st.start, st.end, st.text)}


def _lead_sentences(c: Corpus, article_ids: list[str], n: int = 6) -> list[dict]:
    """Fallback briefing when the story has no summary: the first sentence of its first articles."""
    out = []
    for aid in article_ids:
        a = c.articles.get(aid)
        if a is None or a.duplicate_of or not a.text.strip():
            continue
        t = a.text
        # The first sentence, cut at 400 characters; the splitter only needs to see that far.
        start = len(t) - len(t.lstrip())
        first = sentence_spans(t[:start + 500])[0]
        start, end = first.start, min(first.end, first.start + 400)
        out.append(_ref(c, aid, start, end, t[start:end]))
        if len(out) >= n:
            break
    return out


def _article_date_key(c: Corpus, aid: str):
    a = c.articles.get(aid)
    return ((a.published or "") if a else "", aid)


def _briefing(c: Corpus, s) -> tuple[list[dict], str]:
    return c.memo(("briefing", s.id), lambda: _make_briefing(c, s))


def _make_briefing(c: Corpus, s) -> tuple[list[dict], str]:
    if s.summary:
        return [_ref(c, x.article_id, x.start, x.end, x.text) for x in s.summary], "summary"
    return _lead_sentences(c, sorted(s.article_ids, key=lambda a: _article_date_key(c, a))), "lead sentences"


# ---- pages ------------------------------------------------------------------
def index_view(c: Corpus) -> dict:
    stories = []
    for s in c.an.stories:
        outlets = sorted({c.outlet(a) for a in s.article_ids})
        stories.append({"id": s.id, "title": s.title, "n_articles": len(s.article_ids), "outlets": outlets,
                        "n_contradictions": len(c.contradictions_by_story.get(s.id, [])),
                        "lead": s.summary[0].text if s.summary else None})
    stories.sort(key=lambda s: (-s["n_articles"], s["id"]))  # the main story first
    unassigned = [a.id for a in c.an.articles if a.id not in c.story_of and not a.duplicate_of]
    return {"counts": {k: len(getattr(c.an, k)) for k in
                       ("articles", "actors", "quotes", "events", "stories", "claims", "contradictions",
                        "framing", "coverage_gaps")},
            "stories": stories,
            "articles": [c.article_ref(a.id) | {"duplicate_of": a.duplicate_of, "story_id": c.story_of.get(a.id)}
                         for a in sorted(c.an.articles, key=lambda a: _article_date_key(c, a.id))],
            "unassigned_articles": unassigned}


def story_view(c: Corpus, story_id: str) -> dict | None:
    s = c.stories.get(story_id)
    if s is None:
        return None
    briefing, briefing_source = _briefing(c, s)
    claims_text = {cl.id: cl.text for cl in c.claims_by_story.get(s.id, [])}
    disagreements = []
    seen_claims = set()
    for x in sorted(c.contradictions_by_story.get(s.id, []), key=lambda x: -(x.score or 0)):
        seen_claims.add(x.claim_id)
        disagreements.append({"claim_id": x.claim_id, "claim": claims_text.get(x.claim_id), "reason": x.reason,
                              "score": x.score, "a": _side(c, x.a), "b": _side(c, x.b)})
    claims = []
    for cl in c.claims_by_story.get(s.id, []):
        by = defaultdict(list)
        for st in cl.stances:
            by[st.stance].append({**_ref(c, st.article_id, st.start, st.end, st.text),
                                  "outlet": st.outlet or c.outlet(st.article_id)})
        claims.append({"id": cl.id, "text": cl.text, "agree": by.get("agree", []),
                       "disagree": by.get("disagree", []), "discuss": by.get("discuss", []),
                       "contested": bool(by.get("agree") and by.get("disagree"))})
    # Claims where some outlets agree and others disagree count as disagreement even without a
    # contradiction record: the briefing cites the first outlet on each side.
    for cl in claims:
        if cl["contested"] and cl["id"] not in seen_claims:
            a, b = cl["agree"][0], cl["disagree"][0]
            disagreements.append({"claim_id": cl["id"], "claim": cl["text"], "reason": "stance", "score": None,
                                  "a": {**a, "stance": "agree", "context": _context(c, a["article_id"], a["start"], a["end"], a["text"] or "")},
                                  "b": {**b, "stance": "disagree", "context": _context(c, b["article_id"], b["start"], b["end"], b["text"] or "")}})
    ids = set(s.article_ids)
    mention_counts = Counter()
    for aid in ids:
        for actor_id, _m in c.mentions_by_article.get(aid, []):
            mention_counts[actor_id] += 1
    events = [_event(c, e) for aid in ids for e in c.events_by_article.get(aid, [])]
    events.sort(key=lambda e: (e["date"] or "9999", e["id"]))
    return {"story": {"id": s.id, "title": s.title, "n_articles": len(s.article_ids),
                      "outlets": sorted({c.outlet(a) for a in s.article_ids})},
            "briefing": briefing, "briefing_source": briefing_source,
            "disagreements": disagreements, "claims": claims,
            "actors": [{"id": a, "name": c.actor_name(a), "n_mentions": n} for a, n in mention_counts.most_common(15)],
            "heatmap": heatmap_view(c, s.id),
            "timeline": {"events": events[:LIST_CAP], "n_events": len(events),
                         "chart": charts.timeline_chart(events)},
            "gaps": [_gap(c, g) for g in c.gaps_by_story.get(s.id, [])],
            "articles": [c.article_ref(a) for a in sorted(s.article_ids, key=lambda a: _article_date_key(c, a))]}


def timeline_view(c: Corpus, story_id: str | None = None) -> dict:
    evs = c.an.events
    if story_id:
        evs = [e for e in evs if c.story_of.get(e.article_id) == story_id]
    events = sorted((_event(c, e) for e in evs), key=lambda e: (e["date"] or "9999", e["id"]))
    members = {a for a, s in c.story_of.items() if s == story_id} if story_id else None
    rows = c.memo(("series", story_id), lambda: series.event_series(c.an, story_article_ids=members))
    return {"story_id": story_id, "events": events, "chart": charts.timeline_chart(events),
            "series": {"rows": rows, "by_type": charts.series_chart(rows, "type"),
                       "by_actor": charts.series_chart(rows, "actor")}}


def actors_view(c: Corpus, max_nodes: int = 30) -> dict:
    n_mentions = {a.id: len(a.mentions) for a in c.an.actors}
    edges: Counter = Counter()
    for e in c.an.events:
        if e.source in c.actors and e.target in c.actors and e.source != e.target:
            edges[(e.source, e.target, "acts on")] += 1
    for q in c.an.quotes:
        if q.speaker not in c.actors:
            continue
        for actor_id in c.quote_subjects.get(q.id, []):
            edges[(q.speaker, actor_id, "talks about")] += 1
    degree: Counter = Counter()
    for (s, t, _k), n in edges.items():
        degree[s] += n
        degree[t] += n
    ranked = sorted(c.actors, key=lambda a: (-(degree[a] * 3 + n_mentions.get(a, 0)), a))[:max_nodes]
    nodes = [{"id": a, "name": c.actors[a].name, "n": max(n_mentions.get(a, 0), 1)} for a in ranked]
    shown = set(ranked)
    edge_list = [{"source": s, "target": t, "kind": k, "n": n,
                  "label": f"{c.actor_name(s)} {k} {c.actor_name(t)} ({n}×)"}
                 for (s, t, k), n in sorted(edges.items(), key=lambda kv: (-kv[1], kv[0])) if s in shown and t in shown]
    rows = []
    for a in c.an.actors:
        outlets = sorted({c.outlet(m.article_id) for m in a.mentions})
        rows.append({"id": a.id, "name": a.name, "type": a.type, "country": a.country,
                     "aliases": a.aliases, "roles": a.roles, "n_mentions": len(a.mentions),
                     "n_quotes": len(c.quotes_by_speaker.get(a.id, [])),
                     "n_events": len(c.events_by_actor.get(a.id, [])), "outlets": outlets})
    return {"actors": rows,
            "edges": [{k: e[k] for k in ("source", "target", "kind", "n")} for e in edge_list],
            "network": charts.network_chart(nodes, edge_list)}


def actor_view(c: Corpus, actor_id: str) -> dict | None:
    a = c.actors.get(actor_id)
    if a is None:
        return None
    quotes = [_quote(c, q) for q in c.quotes_by_speaker.get(a.id, [])[:LIST_CAP]]
    about = [_quote(c, q) for q in c.quotes_about.get(a.id, [])[:LIST_CAP]]
    events = [{**_event(c, e), "role": role} for role, e in
              sorted(c.events_by_actor.get(a.id, []), key=lambda re_: (_event_date(c, re_[1]) or "9999", re_[1].id))[:LIST_CAP]]
    by_outlet = defaultdict(list)
    for f in c.framing_by_actor.get(a.id, []):
        by_outlet[f.outlet or c.outlet(f.article_id)].append(f)
    framing = []
    for outlet in sorted(by_outlet):
        fs = by_outlet[outlet]
        terms = Counter(t.term for f in fs for t in f.loaded_terms)
        framing.append({"outlet": outlet, "n_articles": len({f.article_id for f in fs}),
                        "responsibility": round(sum(f.responsibility for f in fs) / len(fs), 3),
                        "tone": round(sum(f.tone for f in fs) / len(fs), 3),
                        "loaded_terms": [t for t, _ in terms.most_common(8)],
                        "evidence": [_ref(c, ev.article_id, ev.start, ev.end, ev.text) for f in fs for ev in f.evidence][:3]})
    mentions_by_outlet = Counter(c.outlet(m.article_id) for m in a.mentions)
    return {"actor": {"id": a.id, "name": a.name, "type": a.type, "aliases": a.aliases, "roles": a.roles,
                      "country": a.country, "code": a.code, "warnings": a.warnings, "n_mentions": len(a.mentions),
                      "n_quotes": len(c.quotes_by_speaker.get(a.id, [])), "n_quoted_about": len(c.quotes_about.get(a.id, [])),
                      "n_events": len(c.events_by_actor.get(a.id, []))},
            "mentions_by_outlet": [{"outlet": o, "n": n} for o, n in sorted(mentions_by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))],
            "quotes": quotes, "quoted_about": about, "events": events, "framing": framing}


def heatmap_view(c: Corpus, story_id: str | None = None, max_actors: int = 12) -> dict:
    fr = c.framing_by_story.get(story_id, []) if story_id else c.an.framing
    agg = defaultdict(list)
    for f in fr:
        agg[(f.outlet or c.outlet(f.article_id), f.actor_id)].append(f)
    weight = Counter()
    for (_o, a), fs in agg.items():
        weight[a] += len(fs)
    actors = [{"id": a, "name": c.actor_name(a)} for a, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:max_actors]]
    outlets = sorted({o for o, _ in agg})
    cells, resp, tone = [], {}, {}
    for (o, a), fs in sorted(agg.items()):
        r = sum(f.responsibility for f in fs) / len(fs)
        t = sum(f.tone for f in fs) / len(fs)
        resp[(o, a)] = (r, len(fs))
        tone[(o, a)] = (t, len(fs))
        cells.append({"outlet": o, "actor_id": a, "responsibility": round(r, 3), "tone": round(t, 3), "n": len(fs)})
    return {"story_id": story_id, "outlets": outlets, "actors": actors, "cells": cells,
            "responsibility_chart": charts.heatmap_chart(outlets, actors, resp),
            "tone_chart": charts.heatmap_chart(outlets, actors, tone)}


def contradictions_view(c: Corpus, story_id: str | None = None) -> dict:
    xs = c.an.contradictions
    if story_id:
        xs = [x for x in xs if x.story_id == story_id]
    out = []
    for x in sorted(xs, key=lambda x: (x.story_id, -(x.score or 0), x.claim_id)):
        cl = c.claims.get(x.claim_id)
        s = c.stories.get(x.story_id)
        out.append({"claim_id": x.claim_id, "claim": cl.text if cl else None, "story_id": x.story_id,
                    "story_title": s.title if s else None, "score": x.score, "reason": x.reason,
                    "a": _side(c, x.a), "b": _side(c, x.b)})
    return {"story_id": story_id, "contradictions": out}


def _gap(c: Corpus, g) -> dict:
    cl = c.claims.get(g.claim_id)
    s = c.stories.get(g.story_id)
    cited = []
    if cl is not None:
        cited = [_ref(c, st.article_id, st.start, st.end, st.text) for st in cl.stances][:5]
        if not cited and cl.article_id:
            cited = [_ref(c, cl.article_id, cl.start, cl.end, cl.text)]
    story_outlets = sorted({c.outlet(a) for a in s.article_ids}) if s else []
    return {"story_id": g.story_id, "story_title": s.title if s else None, "claim_id": g.claim_id,
            "text": g.text, "outlets": g.outlets, "reason": g.reason,
            "story_outlets": story_outlets,
            "not_reported_by": [o for o in story_outlets if o not in set(g.outlets or [])], "cited": cited}


def gaps_view(c: Corpus, story_id: str | None = None) -> dict:
    gs = c.an.coverage_gaps
    if story_id:
        gs = [g for g in gs if g.story_id == story_id]
    return {"story_id": story_id, "gaps": [_gap(c, g) for g in gs]}


# Outer kinds open first when spans start together, so sentences hold quotes and quotes hold names.
_NEST_ORDER = {"event": 0, "cited": 1, "quote": 2, "highlight": 3, "mention": 4}


def _tree(text: str, spans: list[dict]) -> list[dict]:
    """Nest overlapping spans into a tree of text and span nodes, covering the text exactly.

    A span that crosses the end of the span it opened in is split there and continues after
    it (as HTML formatting does), so the page can nest plain tags; a span's anchor stays on its
    first part, which holds the whole span whenever spans nest, the usual case.
    """
    import heapq

    n = len(text)
    heap = []
    for seq, sp in enumerate(spans):
        if sp.get("start") is None or sp.get("end") is None or not (0 <= sp["start"] < sp["end"] <= n):
            continue
        heapq.heappush(heap, (sp["start"], -sp["end"], _NEST_ORDER.get(sp["kind"], 9), seq, sp))
    root = {"end": n, "children": []}
    stack = [root]
    pos = 0

    def add_text(upto: int):
        nonlocal pos
        if upto > pos:
            stack[-1]["children"].append({"type": "text", "text": text[pos:upto]})
            pos = upto

    seq = len(spans)
    while heap:
        start, neg_end, order, _, sp = heapq.heappop(heap)
        end = -neg_end
        while len(stack) > 1 and stack[-1]["end"] <= start:
            add_text(stack[-1]["end"])
            stack.pop()
        add_text(start)
        if end > stack[-1]["end"]:
            seq += 1
            rest = {**sp, "anchor": None}
            heapq.heappush(heap, (stack[-1]["end"], -end, order, seq, rest))
            end = stack[-1]["end"]
        if end <= start:
            continue
        node = {"type": "span", "kind": sp["kind"], "start": start, "end": end, "ref": sp.get("ref"),
                "title": sp.get("title"), "anchor": sp.get("anchor"), "children": []}
        stack[-1]["children"].append(node)
        stack.append(node)
    while len(stack) > 1:
        add_text(stack[-1]["end"])
        stack.pop()
    add_text(n)
    return root["children"]


def tree_text(nodes: list[dict]) -> str:
    return "".join(x["text"] if x["type"] == "text" else tree_text(x["children"]) for x in nodes)


def anchor_for(article_id: str, start, end) -> str:
    return f"span-{article_id}-{start}-{end}"


def article_view(c: Corpus, article_id: str, highlight: tuple[int, int] | None = None) -> dict | None:
    a = c.articles.get(article_id)
    if a is None:
        return None
    spans = []
    for actor_id, m in c.mentions_by_article.get(a.id, []):
        spans.append({"kind": "mention", "start": m.start, "end": m.end, "ref": actor_id,
                      "title": f"mention of {c.actor_name(actor_id)}"})
    quotes = [_quote(c, q) for q in c.quotes_by_article.get(a.id, [])]
    for q in quotes:
        spans.append({"kind": "quote", "start": q["start"], "end": q["end"], "ref": q["id"],
                      "title": f"{q['kind']} quote by {q['speaker_name'] or 'unknown speaker'}",
                      "anchor": f"quote-{q['id']}"})
    events = [_event(c, e) for e in c.events_by_article.get(a.id, [])]
    for e in events:
        spans.append({"kind": "event", "start": e["start"], "end": e["end"], "ref": e["id"],
                      "title": f"event {e['type']} ({e['mode']}): {e['source_name'] or '?'} → {e['target_name'] or '?'}",
                      "anchor": f"event-{e['id']}"})
    # Sentences cited elsewhere (briefing, claims, contradictions) get anchors so links land on them.
    cited = set()
    sid = c.story_of.get(a.id)
    if sid and sid in c.stories:
        for x in _briefing(c, c.stories[sid])[0]:
            if x["article_id"] == a.id:
                cited.add((x["start"], x["end"], "briefing sentence"))
        for cl in c.claims_by_story.get(sid, []):
            for st in cl.stances:
                if st.article_id == a.id:
                    cited.add((st.start, st.end, f"claim ({st.stance}): {cl.text}"))
    for x in c.an.contradictions:
        for st in (x.a, x.b):
            if st.article_id == a.id:
                cited.add((st.start, st.end, "contradiction"))
    for p in getattr(c.an, "positions", []):
        if p.article_id == a.id:
            cited.add((p.start, p.end, f"position: {c.actor_name(p.actor_id)} {p.stance} ({p.issue})"))
    for start, end, title in sorted(cited, key=lambda t: (t[0] or 0, t[1] or 0, t[2])):
        spans.append({"kind": "cited", "start": start, "end": end, "ref": None, "title": title,
                      "anchor": anchor_for(a.id, start, end)})
    if highlight:
        spans.append({"kind": "highlight", "start": highlight[0], "end": highlight[1], "ref": None,
                      "title": "highlighted", "anchor": "highlight"})
    # Duplicate anchors (same span cited twice) would break fragment links; keep the first.
    seen = set()
    for s in spans:
        if s.get("anchor") in seen:
            s["anchor"] = None
        elif s.get("anchor"):
            seen.add(s["anchor"])
    raw_pieces = []
    pos = 0
    raw = a.raw or ""
    for r in sorted(a.removed, key=lambda r: (r.start, r.end)):
        if r.start < pos or r.end > len(raw):
            continue
        if r.start > pos:
            raw_pieces.append({"text": raw[pos:r.start], "removed": False, "reason": None})
        raw_pieces.append({"text": raw[r.start:r.end], "removed": True, "reason": r.reason})
        pos = r.end
    if pos < len(raw):
        raw_pieces.append({"text": raw[pos:], "removed": False, "reason": None})
    dup = c.articles.get(a.duplicate_of or "")
    return {"article": {"id": a.id, "title": a.title, "outlet": c.outlet(a.id), "author": a.author,
                        "published": a.published, "url": a.url, "source_path": a.source_path, "kind": a.kind,
                        "duplicate_of": a.duplicate_of, "story_id": sid,
                        "story_title": c.stories[sid].title if sid in c.stories else None,
                        "duplicate_title": (dup.title if dup else None)},
            "text": a.text, "tree": _tree(a.text, spans), "raw_segments": raw_pieces,
            "removed": [{"start": r.start, "end": r.end, "text": r.text, "reason": r.reason} for r in a.removed],
            "mentions": [{"actor_id": aid, "start": m.start, "end": m.end, "text": m.text, "kind": m.kind}
                         for aid, m in c.mentions_by_article.get(a.id, [])],
            "quotes": quotes, "events": events}
