"""Test data: a small hand-made analysis (fictional story, invented text) for the publish tests and benchmarks.

Offsets are computed from the text, so every span is exact. ``hostile=True`` plants markup,
event-handler attributes, ``javascript:`` URLs and a closing ``</script>`` in every field a
page shows, to prove they are displayed as text and never run.
"""
from __future__ import annotations

from storylens.model import (
    Actor, Analysis, Article, Claim, ClaimStance, Contradiction, CoverageGap, Document, Event, Framing,
    LoadedTerm, Mention, Quote, Removed, Story, SummarySentence,
)

PAYLOADS = [
    "<script>window.__pwned=1;document.title='PWNED'</script>",
    "<img src=x onerror=\"window.__pwned=2;document.title='PWNED'\">",
    "</script><script>window.__pwned=3</script>",
    "<svg onload=\"window.__pwned=4\"></svg>",
    "<a href=\"javascript:window.__pwned=5\">click</a>",
]

TEXTS = {
    "north": ("Harbor talks stall as Ruiz blames Kell", "Northern Ledger", "2026-03-02",
              "Minister Ana Ruiz said on Monday that the harbor talks had stalled. "
              "\"Governor Kell refused to sign the agreement,\" Ruiz told reporters. "
              "Kell rejected the proposal on March 1, according to officials. "
              "The port union warned of a strike."),
    "south": ("Kell says Ruiz walked away from harbor deal", "Southern Post", "2026-03-03",
              "Governor Tom Kell said the minister walked away from the harbor deal. "
              "\"Ruiz never wanted an agreement,\" Kell said. "
              "Kell signed the agreement on March 1, his office said. "
              "Ruiz accused Kell of stalling."),
    "east": ("Harbor dispute drags on", "Eastern Wire", "2026-03-04",
             "The harbor dispute between Ana Ruiz and Tom Kell dragged on this week. "
             "Ruiz met union leaders on March 3. "
             "\"We will not be blamed for this,\" Kell said."),
}


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    i = text.index(needle, after)
    return i, i + len(needle)


def sample_documents(hostile: bool = False) -> list[Document]:
    docs = []
    for key, (title, outlet, published, body) in TEXTS.items():
        url = f"https://news.example/{key}"
        if hostile:
            body = body + " " + " ".join(PAYLOADS)
            title = title + " " + PAYLOADS[0]
            outlet = outlet + PAYLOADS[1]
            url = "javascript:window.__pwned=6" if key == "north" else url
        boiler = "Subscribe now! Cookie settings. " + (PAYLOADS[2] if hostile else "")
        raw = boiler + body + " Related: more stories."
        removed = [Removed(0, len(boiler), boiler, "navigation"),
                   Removed(len(boiler) + len(body), len(raw), raw[len(boiler) + len(body):], "related links")]
        art = Article(id=f"art-{key}", source_path=f"corpus/{key}.txt", text=body, raw=raw, url=url, title=title,
                      outlet=outlet, author="Staff" + (PAYLOADS[3] if hostile else ""), published=published,
                      removed=removed, content_hash=f"hash-{key}{'-x' if hostile else ''}")
        docs.append(Document(article=art))
    return docs


def sample_analysis(hostile: bool = False) -> Analysis:
    docs = sample_documents(hostile)
    arts = {d.article.id.split("-", 1)[1]: d.article for d in docs}
    n, s, e = arts["north"], arts["south"], arts["east"]

    def m(a: Article, needle: str, after: int = 0) -> Mention:
        st, en = _span(a.text, needle, after)
        return Mention(a.id, st, en, needle)

    ruiz_name = "Ana Ruiz" + (PAYLOADS[4] if hostile else "")
    kell_name = "Tom Kell" + (PAYLOADS[1] if hostile else "")
    ruiz = Actor(id="ana-ruiz", name=ruiz_name, type="PERSON", aliases=["Ruiz", "Minister Ana Ruiz"],
                 roles=["minister"], country="XXA",
                 mentions=[m(n, "Ana Ruiz"), m(n, "Ruiz", n.text.index("told") - 6), m(s, "Ruiz"),
                           m(s, "Ruiz", s.text.index("accused") - 6), m(e, "Ana Ruiz"), m(e, "Ruiz", 40)])
    kell = Actor(id="tom-kell", name=kell_name, type="PERSON", aliases=["Kell", "Governor Tom Kell"],
                 roles=["governor"], country="XXA",
                 mentions=[m(n, "Kell"), m(n, "Kell", 80), m(s, "Tom Kell"), m(s, "Kell", 60), m(s, "Kell", 140),
                           m(e, "Tom Kell"), m(e, "Kell", 100)])
    union = Actor(id="port-union", name="port union", type="ORG", mentions=[m(n, "port union")])

    def q(a: Article, qid: str, needle: str, speaker: str, speaker_text: str) -> Quote:
        st, en = _span(a.text, needle)
        return Quote(id=f"{a.id}:{qid}", article_id=a.id, text=needle.strip('"'), kind="direct", start=st, end=en,
                     speaker=speaker, speaker_text=speaker_text)

    quotes = [q(n, "Q1", "\"Governor Kell refused to sign the agreement,\"", "ana-ruiz", "Ruiz"),
              q(s, "Q1", "\"Ruiz never wanted an agreement,\"", "tom-kell", "Kell"),
              q(e, "Q1", "\"We will not be blamed for this,\"", "tom-kell", "Kell")]

    def sent(a: Article, needle: str) -> tuple[int, int, str]:
        st, en = _span(a.text, needle)
        return st, en, needle

    def ev(a: Article, vid: str, needle: str, typ: str, src, tgt, date, mode="asserted", cameo=None) -> Event:
        st, en, text = sent(a, needle)
        return Event(id=f"{a.id}:{vid}", article_id=a.id, sentence=text, start=st, end=en, type=typ, cameo=cameo,
                     mode=mode, source=src, target=tgt, date=date)

    events = [
        ev(n, "V1", "Kell rejected the proposal on March 1, according to officials.", "REJECT", "tom-kell", "ana-ruiz",
           "2026-03-01", cameo="12"),
        ev(n, "V2", "The port union warned of a strike.", "THREATEN", "port-union", None, None, cameo="13"),
        ev(s, "V1", "Kell signed the agreement on March 1, his office said.", "AGREE", "tom-kell", None, "2026-03-01",
           mode="reported", cameo="057"),
        ev(s, "V2", "Ruiz accused Kell of stalling.", "ACCUSE", "ana-ruiz", "tom-kell", None, cameo="112"),
        ev(e, "V1", "Ruiz met union leaders on March 3.", "CONSULT", "ana-ruiz", "port-union", "2026-03-03",
           cameo="04"),
    ]
    summary = [SummarySentence(text=x, article_id=a.id, start=_span(a.text, x)[0], end=_span(a.text, x)[1])
               for a, x in ((n, "Minister Ana Ruiz said on Monday that the harbor talks had stalled."),
                            (s, "Governor Tom Kell said the minister walked away from the harbor deal."),
                            (e, "The harbor dispute between Ana Ruiz and Tom Kell dragged on this week."))]
    story = Story(id="S1", title="Harbor talks" + (PAYLOADS[0] if hostile else ""),
                  article_ids=[n.id, s.id, e.id], summary=summary)

    def stance(a: Article, needle: str, st: str) -> ClaimStance:
        b, en = _span(a.text, needle)
        return ClaimStance(article_id=a.id, stance=st, start=b, end=en, text=needle, outlet=a.outlet)

    side_a = stance(n, "Kell rejected the proposal on March 1, according to officials.", "agree")
    side_b = stance(s, "Kell signed the agreement on March 1, his office said.", "disagree")
    claim = Claim(id="C1", story_id="S1", text="Kell rejected the agreement on March 1" + (PAYLOADS[2] if hostile else ""),
                  stances=[side_a, side_b], article_id=n.id, start=side_a.start, end=side_a.end,
                  actors=["tom-kell"], outlets=[n.outlet, s.outlet])
    strike = stance(n, "The port union warned of a strike.", "agree")
    claim2 = Claim(id="C2", story_id="S1", text="The port union warned of a strike", stances=[strike],
                   article_id=n.id, start=strike.start, end=strike.end, actors=["port-union"], outlets=[n.outlet])
    contradiction = Contradiction(claim_id="C1", story_id="S1", a=side_a, b=side_b, score=0.9,
                                  reason="rejected vs signed" + (PAYLOADS[3] if hostile else ""))

    def fr(a: Article, actor: str, resp: float, tone: float, term: str | None = None) -> Framing:
        terms = []
        if term and term in a.text:
            b, en = _span(a.text, term)
            terms = [LoadedTerm(term=term, start=b, end=en, voice="outlet")]
        return Framing(story_id="S1", article_id=a.id, actor_id=actor, responsibility=resp, tone=tone,
                       loaded_terms=terms, outlet=a.outlet)

    framing = [fr(n, "tom-kell", 0.8, -0.6, "refused"), fr(n, "ana-ruiz", -0.4, 0.3),
               fr(s, "tom-kell", -0.5, 0.4), fr(s, "ana-ruiz", 0.7, -0.5, "walked away"),
               fr(e, "tom-kell", 0.1, -0.1), fr(e, "ana-ruiz", 0.0, 0.0, "dispute")]
    gap = CoverageGap(story_id="S1", claim_id="C2", text="The port union warned of a strike" + (PAYLOADS[4] if hostile else ""),
                      outlets=[s.outlet, e.outlet], reason="not reported by these outlets")
    return Analysis(articles=[d.article for d in docs], actors=[ruiz, kell, union], quotes=quotes, events=events,
                    stories=[story], claims=[claim, claim2], contradictions=[contradiction], framing=framing,
                    coverage_gaps=[gap])


def sample_store(path, hostile: bool = False):
    """A store holding the sample articles and analysis (FTS tables filled as the pipeline does)."""
    from storylens.store import Store

    st = Store(path)
    st.add_documents(sample_documents(hostile))
    st.replace_analysis(sample_analysis(hostile))
    return st
