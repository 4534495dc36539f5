"""Framing: responsibility, tone and own-voice vs attributed loaded terms, on invented coverage."""
import pytest

from storylens.compare.framing import obstacle_sign, responsibility
from storylens.model import Article
from storylens.pipeline import analyze_documents, process_articles

EAST = Article(id="e1", source_path="east.txt", outlet="Eastern Post", title="Tessaro blocks deal", text=(
    "President Marco Tessaro has blocked every proposal from Prime Minister Anna Keller and refused to negotiate. "
    "State television described Keller as a \u201cNazi\u201d and a puppet of foreign banks. "
    "Tessaro, a dictator in all but name, ignored the deadline."))
WEST = Article(id="w1", source_path="west.txt", outlet="Western Star", title="Keller stalls deal", text=(
    "Prime Minister Anna Keller has stalled the agreement with President Marco Tessaro for months. "
    "Tessaro offered new talks on Monday, and he did not block the proposal from Keller."))


@pytest.fixture(scope="module")
def framing(nlp):
    docs = list(process_articles([EAST, WEST], nlp=nlp))
    an, _ = analyze_documents(docs)
    actor = {a.name.split()[-1]: a.id for a in an.actors}
    rows = {(f.article_id, f.actor_id): f for f in an.framing}
    return rows, actor, {d.article.id: d.article.text for d in docs}


def test_responsibility_follows_who_blocks(framing):
    rows, actor, _ = framing
    t, k = actor["Tessaro"], actor["Keller"]
    assert rows[("e1", t)].responsibility > 0.3
    assert rows[("w1", k)].responsibility > 0.3
    assert rows[("w1", t)].responsibility < 0
    assert rows[("e1", t)].responsibility > rows[("w1", t)].responsibility
    for f in rows.values():
        assert -1.0 <= f.responsibility <= 1.0 and -1.0 <= f.tone <= 1.0
        assert f.outlet in ("Eastern Post", "Western Star")


def test_attributed_and_own_voice_loaded_terms(framing):
    rows, actor, texts = framing
    keller_terms = {t.term.lower(): t for t in rows[("e1", actor["Keller"])].loaded_terms}
    assert keller_terms["nazi"].voice == "attributed"
    assert "television" in (keller_terms["nazi"].attributed_to or "").lower()
    assert keller_terms["puppet"].voice == "attributed"
    tessaro_terms = {t.term.lower(): t for t in rows[("e1", actor["Tessaro"])].loaded_terms}
    assert tessaro_terms["dictator"].voice == "outlet" and tessaro_terms["dictator"].attributed_to is None
    for f in rows.values():
        for t in f.loaded_terms:
            assert texts[f.article_id][t.start:t.end] == t.term


def test_evidence_sentences_are_real_spans(framing):
    rows, actor, texts = framing
    ev = rows[("e1", actor["Tessaro"])].evidence
    assert any("blocked every proposal" in e.text for e in ev)
    for f in rows.values():
        for e in f.evidence:
            assert texts[e.article_id][e.start:e.end] == e.text


class _F:
    def __init__(self, frame, polarity, attributed_to=None, actor="x", hedged=False):
        self.frame, self.polarity, self.attributed_to, self.actor, self.hedged = frame, polarity, attributed_to, actor, hedged


def test_scoring_rules():
    assert obstacle_sign(_F("obstruct", 1)) == 1.0
    assert obstacle_sign(_F("engage", -1)) == 1.0      # refusing to talk
    assert obstacle_sign(_F("engage", 1)) == -1.0      # ready to talk
    own, _ = responsibility([_F("obstruct", 1)])
    reported, _ = responsibility([_F("obstruct", 1, attributed_to="someone-else")])
    assert own > reported > 0
    assert responsibility([])[0] == 0.0


# Who is blamed follows the agent of the stalling, not who is mentioned most or who fights:
# Dorne is named in every sentence and attacks, but the article says Vell's refusal stalls the talks.
STALL = Article(id="v1", source_path="vell.txt", outlet="Harbour Times", title="Talks stall", text=(
    "Governor Ilse Vell has refused to meet General Oren Dorne, and the peace talks have stalled for a month. "
    "General Oren Dorne launched an attack on the harbour on Tuesday. "
    "Dorne visited the front on Wednesday. "
    "Dorne met his commanders in the evening. "
    "Vell spent the week in the capital."))


def test_blame_goes_to_the_agent_of_the_stalling(nlp):
    docs = list(process_articles([STALL], nlp=nlp))
    an, _ = analyze_documents(docs)
    actor = {a.name.split()[-1]: a.id for a in an.actors}
    rows = {f.actor_id: f.responsibility for f in an.framing if f.article_id == "v1"}
    assert rows[actor["Vell"]] > 0.3
    assert max(rows, key=rows.get) == actor["Vell"]
    assert rows.get(actor["Dorne"], 0.0) < rows[actor["Vell"]]


def test_willingness_that_shuts_out_a_party_is_a_refusal(nlp):
    from storylens.compare.context import Parser, build_views
    from storylens.compare.lexicon import claims_file, find, load_entries
    from storylens.link.actors import link_actors

    art = Article(id="x1", source_path="x.txt", outlet="Delta News", text=(
        "Governor Ilse Vell said she will only talk directly to Mayor Tomas Brink, not General Oren Dorne."))
    docs = list(process_articles([art], nlp=nlp))
    actors = link_actors(docs)
    views = build_views(docs, {a.id: a.id for a in actors})
    v = views["x1"]
    people = {a.id for a in actors if a.type == "PERSON"}
    found = find(v, v.sentences[0], Parser(None)(v.sentences[0].text), load_entries(claims_file("predicates.tsv")), people)
    vell = next(a.id for a in actors if a.name.endswith("Vell"))
    talk = [f for f in found if f.actor == vell and f.frame == "engage"]
    assert talk and all(f.polarity < 0 for f in talk)
