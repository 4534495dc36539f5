"""Claims, stance, contradictions and coverage gaps on small invented coverage."""
import pytest

from storylens.compare import compare
from storylens.compare.context import Parser, build_views
from storylens.compare.lexicon import claims_file, find, load_entries
from storylens.model import Article, Sentence
from storylens.pipeline import analyze_documents, process_articles

NORTH = Article(id="n1", source_path="north.txt", outlet="Northern Ledger", title="Keller offers talks in any format", text=(
    "Prime Minister Anna Keller said on Monday that she is ready to hold talks with President Marco Tessaro in any format. "
    "Keller has repeatedly called for direct negotiations to end the border dispute over the Orlen valley. "
    "The border crossing at Orlen has been closed since March, cutting off hundreds of farmers from their fields."))
SOUTH = Article(id="s1", source_path="south.txt", outlet="Southern Gazette", title="Border talks stall over the Orlen valley", text=(
    "Anna Keller's refusal to engage in meaningful dialogue has stalled the border talks with President Marco Tessaro. "
    "Tessaro remains open to negotiations about the Orlen valley in any format. "
    "Customs officers at the Orlen crossing counted 4,200 lorries waiting on Friday. "
    "Hundreds of farmers have been cut off from their fields since the Orlen border crossing closed in March."))


@pytest.fixture(scope="module")
def analysis(nlp):
    docs = list(process_articles([NORTH, SOUTH], nlp=nlp))
    an, state = analyze_documents(docs)
    return an, state, docs


def _keller(an):
    return next(a.id for a in an.actors if "Keller" in a.name)


def test_one_story_for_two_outlets(analysis):
    an, state, _ = analysis
    assert len(an.stories) == 1
    assert sorted(an.stories[0].article_ids) == ["n1", "s1"]


def test_willingness_claim_aligned_across_outlets(analysis):
    an, _, _ = analysis
    keller = _keller(an)
    claim = next(c for c in an.claims if c.actors == [keller] and "talk" in c.text)
    stances = {s.article_id: s.stance for s in claim.stances}
    assert set(stances) == {"n1", "s1"}
    assert {stances["n1"], stances["s1"]} == {"agree", "disagree"}
    # the Northern Ledger says she is ready: it sides with the claim exactly when the claim says "willing"
    assert (stances["n1"] == "agree") == ("willing" in claim.text)


def test_contradiction_surfaces_with_both_spans(analysis):
    an, _, docs = analysis
    texts = {d.article.id: d.article.text for d in docs}
    keller = _keller(an)
    claims = {c.id: c for c in an.claims}
    hits = [c for c in an.contradictions if claims[c.claim_id].actors == [keller]]
    assert hits, "the two outlets' opposite accounts of Keller must be reported"
    c = hits[0]
    assert {c.a.article_id, c.b.article_id} == {"n1", "s1"}
    assert {c.a.stance, c.b.stance} == {"agree", "disagree"}
    for side in (c.a, c.b):
        assert texts[side.article_id][side.start:side.end] == side.text
    both = c.a.text + " " + c.b.text
    assert "ready to hold talks" in both and "refusal to engage" in both
    assert c.a.outlet != c.b.outlet


def test_every_stance_points_into_its_article(analysis):
    an, _, docs = analysis
    texts = {d.article.id: d.article.text for d in docs}
    assert an.claims
    for claim in an.claims:
        assert claim.stances
        for s in claim.stances:
            assert s.stance in ("agree", "disagree", "discuss")
            assert texts[s.article_id][s.start:s.end] == s.text


def test_single_outlet_fact_is_a_coverage_gap(analysis):
    an, _, _ = analysis
    lorries = [g for g in an.coverage_gaps if "lorries" in g.text]
    assert lorries and lorries[0].outlets == ["Southern Gazette"]
    assert "only Southern Gazette" in lorries[0].reason


def test_same_fact_in_different_words_is_one_claim(analysis):
    an, _, _ = analysis
    farmers = [c for c in an.claims if "farmers" in c.text]
    assert len(farmers) == 1
    stances = {s.article_id: s for s in farmers[0].stances}
    assert set(stances) == {"n1", "s1"}
    assert all(s.stance == "agree" and "farmers" in s.text for s in stances.values())
    assert not any(g.claim_id == farmers[0].id for g in an.coverage_gaps)


def test_negated_predicate_and_stance_model_decide_disagreement(nlp):
    from storylens.compare.claims import apply_stance_model
    from storylens.compare.context import Parser
    from storylens.model import ClaimStance

    parser = Parser(None)
    claim = "The minister will attend the summit in Geneva."
    negated = ClaimStance("a", "agree", 0, 10, "The minister will not attend the Geneva summit.")
    both = ClaimStance("b", "agree", 0, 10, "The minister did not say whether she will attend the summit, and no date was set.")
    # a verb negated on one side only is a disagreement, with or without a model
    assert apply_stance_model([(negated, (claim, negated.text))], None, parser) == 1
    assert negated.stance == "disagree"
    # "attend" is asserted on both sides: a model's "disagree" does not overrule that
    assert apply_stance_model([(both, (claim, both.text))], lambda p: ["disagree"] * len(p), parser) == 0
    assert both.stance == "agree"
    # no shared verb: the stance model decides
    other = ClaimStance("c", "agree", 0, 10, "No minister at the Geneva summit.")
    assert apply_stance_model([(other, (claim, other.text))], lambda p: ["disagree"] * len(p), parser) == 1
    assert apply_stance_model([], None, parser) == 0


def _findings(nlp, text):
    art = Article(id="x", source_path="x.txt", text=text)
    doc = next(iter(process_articles([art], nlp=nlp)))
    from storylens.link.actors import link_actors
    link_actors([doc])
    view = build_views([doc], {})["x"]
    parser = Parser(None)
    people = {e.actor_id for e in doc.entities if e.type == "PERSON"}
    out = []
    for s in view.sentences:
        out += find(view, s, parser(s.text), load_entries(claims_file("predicates.tsv")), people)
    return out


def test_negation_flips_willingness(nlp):
    pos = _findings(nlp, "Marco Tessaro is ready to talk with the opposition leaders.")
    neg = _findings(nlp, "Marco Tessaro is not ready to talk with the opposition leaders.")
    assert [f.polarity for f in pos if f.frame == "engage"] == [1]
    assert [f.polarity for f in neg if f.frame == "engage"] == [-1]


def test_refusal_names_its_agent_not_the_other_party(nlp):
    fs = _findings(nlp, "Marco Tessaro refused to negotiate with Anna Keller.")
    engage = [f for f in fs if f.frame == "engage"]
    assert len(engage) == 1 and engage[0].polarity == -1
    assert "tessaro" in engage[0].actor


def test_compare_on_nothing():
    out = compare([], [], {}, None)
    assert out.stories == [] and out.claims == []


# Three outlets: one reports Keller's readiness itself, one through unnamed diplomatic sources and as
# an action ("repeatedly called for direct talks"), one blames her refusal. Both accounts of her
# readiness contradict the third.
EAST = Article(id="e1", source_path="east.txt", outlet="Eastern Courier", title="Orlen talks: what the diplomats say", text=(
    "According to diplomatic sources, Anna Keller has repeatedly called for direct talks with President Marco Tessaro. "
    "The Orlen border crossing has been closed since March, and farmers on both sides have lost their harvest. "
    "Tessaro has sent only junior officials to the meetings in Vienna so far."))


@pytest.fixture(scope="module")
def three_outlets(nlp):
    docs = list(process_articles([NORTH, SOUTH, EAST], nlp=nlp))
    an, _ = analyze_documents(docs)
    return an, {d.article.id: d.article.text for d in docs}


def test_every_pair_of_opposite_outlets_is_a_contradiction(three_outlets):
    an, texts = three_outlets
    keller = _keller(an)
    claims = {c.id: c for c in an.claims}
    pairs = {frozenset((c.a.article_id, c.b.article_id)) for c in an.contradictions
             if claims[c.claim_id].actors == [keller]}
    assert frozenset(("n1", "s1")) in pairs
    assert frozenset(("e1", "s1")) in pairs, "an action that shows willingness contradicts a refusal"
    assert frozenset(("n1", "e1")) not in pairs
    for c in an.contradictions:
        for side in (c.a, c.b):
            assert texts[side.article_id][side.start:side.end] == side.text
    east = next(c for c in an.contradictions if "e1" in (c.a.article_id, c.b.article_id))
    side = east.a if east.a.article_id == "e1" else east.b
    assert "called for direct talks" in side.text


def test_outlet_names_are_one_rule_everywhere(three_outlets):
    from storylens.outlets import outlet_name

    an, _ = three_outlets
    names = {a.id: outlet_name(a) for a in an.articles}
    for c in an.claims:
        for s in c.stances:
            assert s.outlet == names[s.article_id]
    for f in an.framing:
        assert f.outlet == names[f.article_id]
    bare = Article(id="x", source_path="/data/2026-03-01_batch.jsonl", text="t", url="https://www.example-news.com/a/1")
    assert outlet_name(bare) == "example-news.com"
    assert outlet_name(Article(id="y", source_path="/data/2026-03-01_batch.jsonl.gz", text="t")) == "2026-03-01_batch"


def test_paired_similarity_matches_the_pairwise_definition():
    import numpy as np
    from storylens.compare.claims import _paired_similarity

    rng = np.random.default_rng(7)
    vecs = rng.normal(size=(9, 5)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    actors = [frozenset(rng.choice(["a", "b", "c", "d"], size=k, replace=False)) for k in rng.integers(0, 4, 9)]
    arts = ["x", "x", "y", "z", "y", "w", "w", "v", "u"]
    got = _paired_similarity(vecs, actors, arts)
    cos = vecs @ vecs.T
    for i in range(9):
        for j in range(9):
            if i == j:
                want = cos[i, i]
            elif arts[i] == arts[j]:
                want = -1.0
            else:
                a, b = actors[i], actors[j]
                want = cos[i, j] + (0.05 * len(a & b) / len(a | b) if a and b else 0.0)
            assert abs(float(got[i, j]) - float(want)) < 1e-6, (i, j)


def test_contradictions_pair_each_dissent_with_a_bounded_number_of_agreeing_accounts():
    from storylens.compare.claims import MAX_PARTNERS, contradictions
    from storylens.model import Claim, ClaimStance

    agree = [ClaimStance(article_id=f"a{i}", outlet=f"o{i}", stance="agree", text="t", start=0, end=1)
             for i in range(MAX_PARTNERS + 10)]
    dissent = [ClaimStance(article_id=f"d{i}", outlet=f"x{i}", stance="disagree", text="t", start=0, end=1)
               for i in range(3)]
    claim = Claim(id="S1-C1", story_id="S1", text="t", stances=agree + dissent, article_id="a0", start=0, end=1)
    conf = {f"a{i}": 0.6 + 0.01 * i for i in range(len(agree))}
    found = contradictions([claim], [conf])
    assert len(found) == 3 * MAX_PARTNERS
    for d in dissent:
        mine = [c for c in found if c.b.article_id == d.article_id]
        # the most confident agreeing accounts are the ones kept
        assert {c.a.article_id for c in mine} == {f"a{i}" for i in range(10, len(agree))}
