"""States, capitals and places the knowledge base does not know, inferred from the text (invented names)."""
import re

from storylens.annotate.entities import extract_entities
from storylens.link import inferred as INF
from storylens.link import kb as KB
from storylens.link.actors import link_actors
from storylens.model import Article, Document, Entity, Mention


def _doc(nlp, text, ents=None, aid="A1"):
    sdoc = nlp(text)
    if ents is not None:
        # Force the model's spans (e.g. an unknown town tagged PERSON), whatever the model version predicts.
        spans = []
        for phrase, label, nth in ents:
            start = [m.start() for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", text)][nth]
            spans.append(sdoc.char_span(start, start + len(phrase), label=label))
        sdoc.ents = sorted(spans, key=lambda s: s.start)
    d = Document(article=Article(id=aid, source_path="t.txt", text=text, published="2026-03-01"), _spacy=sdoc)
    extract_entities(d)
    return d


def _named(d, name):
    return [e for e in d.entities if e.name == name]


# ---- helpers -----------------------------------------------------------------------------------------

def test_placeholder_codes_are_marked_and_derived_from_the_name():
    assert INF.placeholder_code("Velmaria") == "XVL"
    assert INF.placeholder_code("Velmar") == "XVL"          # a demonym's stem gives the same code
    assert INF.placeholder_code("Korsa") == "XKR"
    assert INF.is_placeholder("XVL") and INF.is_placeholder("XVLGOV")
    assert not INF.is_placeholder("RUSGOV") and not INF.is_placeholder(None)
    assert KB.iso_of_code("XVLMIL") == "XVL"
    assert KB.iso_of_code("RUSGOV") == "RUS"


def test_demonym_stem_matching():
    assert INF._stem_match("Velmarian", "Velmaria")
    assert INF._stem_match("Korsan", "Korsa")
    assert INF._stem_match("Tarvainian", "Tarvaine")
    assert INF._stem_match("Ostrese", "Ostre")
    assert not INF._stem_match("Christian", "Christ")
    assert not INF._stem_match("Velmarian", "Korsa")


# ---- entity stage ------------------------------------------------------------------------------------

TEXT = ("Velmarian President Ilse Marrow met Korsa Prime Minister Oren Dask on Friday. "
        "Marrow said Korsa had moved troops to the border. Korsa's defence ministry denied it. "
        "The talks were held in Parneth, the Velmarian capital. Parneth rejected the Korsan proposal on Saturday. "
        "The Eastern Council urged restraint. The Council said it would meet again next week.")


def test_states_from_syntax_get_placeholder_codes(nlp):
    d = _doc(nlp, TEXT)
    korsa = [e for e in d.entities if e.code == "XKR"]
    assert len(korsa) == 1 and korsa[0].type == "GPE" and korsa[0].country == "XKR" and korsa[0].name == "Korsa"
    assert not [e for e in d.entities if e.type == "PERSON" and e.name in ("Korsa", "Parneth", "Velmarian")]


def test_leaders_get_the_state_country_and_government_sector(nlp):
    d = _doc(nlp, TEXT)
    marrow = _named(d, "Ilse Marrow")[0]
    dask = _named(d, "Oren Dask")[0]
    assert (marrow.country, marrow.code) == ("XVL", "XVLGOV")
    assert (dask.country, dask.code) == ("XKR", "XKRGOV")
    assert any("President" in r for r in marrow.roles)
    assert any("Prime Minister" in r and "Korsa" in r for r in dask.roles)
    assert len(marrow.mentions) == 2      # "Marrow" joins the full name


def test_capital_from_apposition_acts_as_the_government(nlp):
    d = _doc(nlp, TEXT)
    gov = [e for e in d.entities if e.code == "XVLGOV" and e.type == "ORG"]
    assert len(gov) == 1
    assert [m.text for m in gov[0].mentions] == ["Parneth"]
    assert gov[0].mentions[0].start == TEXT.index("Parneth rejected")   # "held in Parneth" is a place, not an actor


def test_org_head_noun_joins_the_full_name(nlp):
    d = _doc(nlp, TEXT)
    council = [e for e in d.entities if "Council" in e.name]
    assert len(council) == 1, [e.name for e in d.entities]
    assert sorted(m.text for m in council[0].mentions) == ["Council", "Eastern Council"]


def test_unknown_town_tagged_person_is_a_place(nlp):
    text = ("Officials in Tobrek said the road was closed. Tobrek has not replied to the request, "
            "said Ana Prell, a local councillor.")
    d = _doc(nlp, text, ents=[("Tobrek", "GPE", 0), ("Tobrek", "PERSON", 1), ("Ana Prell", "PERSON", 0)])
    assert not [e for e in d.entities if e.type == "PERSON" and e.name == "Tobrek"]
    assert [e.type for e in d.entities if e.name == "Tobrek"] == ["GPE"]
    assert _named(d, "Ana Prell")[0].type == "PERSON"


def test_surname_used_in_a_place_phrase_stays_a_person(nlp):
    # "Voss" is the surname of the article's full name: never a place.
    text = "Foreign Minister Hanne Voss arrived in Tobrek on Monday. Voss met officials in Tobrek."
    d = _doc(nlp, text)
    voss = _named(d, "Hanne Voss")
    assert voss and voss[0].type == "PERSON" and len(voss[0].mentions) == 2


def test_ministry_of_an_inferred_state(nlp):
    text = ("Velmarian Foreign Ministry spokeswoman Dana Kell said the charge was false. "
            "Velmaria denied any role.")
    d = _doc(nlp, text, ents=[("Velmarian Foreign Ministry", "ORG", 0), ("Dana Kell", "PERSON", 0),
                              ("Velmaria", "GPE", 0)])
    kell = _named(d, "Dana Kell")[0]
    assert (kell.country, kell.code) == ("XVL", "XVLGOV")
    ministry = [e for e in d.entities if e.name == "Velmarian Foreign Ministry"]
    assert ministry and (ministry[0].country, ministry[0].code) == ("XVL", "XVLGOV")
    assert not [e for e in d.entities if e.name == "Ministry"]


def test_headline_fragment_is_not_a_person(nlp):
    text = "The Strike at Dellport\n\nA drone hit the post at Dellport on Sunday."
    d = _doc(nlp, text, ents=[("The Strike at", "PERSON", 0), ("Dellport", "GPE", 1)])
    assert not [e for e in d.entities if e.type == "PERSON"]


def test_known_names_and_title_words_are_not_invented_states(nlp):
    for text in ("European Community foreign ministers agreed to provide aid for Romania and Poland.",
                 "Planning and Investment Minister Tran Xuan Gia said Vietnam is committed to reform.",
                 "The Federal Minister for Interior met opposition leaders in Islamabad.",
                 "Nicaragua's Sandinista government ordered the newspaper to suspend publication.",
                 "A newspaper based in Christian east Beirut has violated a ban.",
                 "Benin opened its borders to most West Africans ordered out of Nigeria."):
        d = _doc(nlp, text)
        assert not [e for e in d.entities if INF.is_placeholder(e.country) or INF.is_placeholder(e.code)], \
            (text, [(e.name, e.country, e.code) for e in d.entities])


# ---- linking -----------------------------------------------------------------------------------------

def _hand_doc(aid, ents):
    text_parts, out, pos = [], [], 0
    for n, (name, typ, mentions, country, code, roles) in enumerate(ents):
        ms = []
        for t, kind in mentions:
            ms.append(Mention(aid, pos, pos + len(t), t, kind))
            text_parts.append(t)
            pos += len(t) + 1
        out.append(Entity(id=f"{aid}:E{n}", name=name, type=typ, mentions=ms, country=country, code=code,
                          roles=list(roles)))
    return Document(article=Article(id=aid, source_path=f"{aid}.txt", text=" ".join(text_parts)), entities=out)


def test_linker_retypes_a_state_the_model_tagged_person_elsewhere():
    a = _hand_doc("a", [("Velmaria", "GPE", [("Velmaria", "name")], "XVL", "XVL", []),
                        ("Ilse Marrow", "PERSON", [("Ilse Marrow", "name")], "XVL", "XVLGOV", ["Velmarian President"])])
    b = _hand_doc("b", [("Velmaria", "PERSON", [("Velmaria", "surname")], None, None, []),
                        ("Ilse Marrow", "PERSON", [("Ilse Marrow", "name")], "XVL", "XVLGOV", ["President of Velmaria"]),
                        ("Government of the Velmarian state", "ORG", [("Parneth", "metonym")], "XVL", "XVLGOV", [])])
    actors = link_actors([a, b])
    states = [x for x in actors if x.name == "Velmaria"]
    assert len(states) == 1 and states[0].type == "GPE" and states[0].code == "XVL" and len(states[0].mentions) == 2
    assert any("placeholder" in w for w in states[0].warnings)
    marrow = [x for x in actors if x.name == "Ilse Marrow"][0]
    assert marrow.roles == ["President of Velmaria"]
    gov = [x for x in actors if x.code == "XVLGOV" and x.type == "ORG"]
    assert [g.name for g in gov] == ["Government of Velmaria"]


def test_linker_keeps_a_surname_that_looks_like_a_place_a_person():
    a = _hand_doc("a", [("Tobrek", "GPE", [("Tobrek", "name")], None, None, [])])
    b = _hand_doc("b", [("Jan Tobrek", "PERSON", [("Jan Tobrek", "name")], None, None, []),
                        ("Tobrek", "PERSON", [("Tobrek", "surname")], None, None, [])])
    actors = link_actors([a, b])
    jan = [x for x in actors if x.name == "Jan Tobrek"][0]
    assert len(jan.mentions) == 2


def test_linker_sends_a_capital_to_its_state_government():
    a = _hand_doc("a", [("Velmaria", "GPE", [("Velmaria", "name")], "XVL", "XVL", []),
                        ("Government of Velmaria", "ORG", [("Parneth", "metonym")], "XVL", "XVLGOV", [])])
    b = _hand_doc("b", [("Parneth", "PERSON", [("Parneth", "surname")], None, None, []),
                        ("Tobrek", "PERSON", [("Tobrek", "surname")], None, None, [])])
    actors = link_actors([a, b])
    gov = [x for x in actors if x.code == "XVLGOV"]
    assert len(gov) == 1 and gov[0].name == "Government of Velmaria" and len(gov[0].mentions) == 2
    assert b.entities[0].actor_id == gov[0].id
    assert b.entities[0].type == "PERSON"          # the article's own entity is left as the entity stage made it
    assert [x.type for x in actors if x.name == "Tobrek"] == ["PERSON"]   # no cue anywhere: unchanged


def test_lone_surname_the_model_once_calls_gpe_stays_a_person(nlp):
    text = "Drenko said the offer was unfair. Critics blamed Drenko for the delay."
    d = _doc(nlp, text, ents=[("Drenko", "PERSON", 0), ("Drenko", "GPE", 1)])
    people = [e for e in d.entities if e.name == "Drenko"]
    assert [e.type for e in people] == ["PERSON"] and len(people[0].mentions) == 2


def test_an_article_reads_the_same_whatever_article_came_before(nlp):
    # What one article says about an invented state must not colour the next article: "Veskar" is a
    # state in the first text and part of a personal name in the second.
    state = _doc(nlp, "Veskar President Lena Vasko met the Veskar defence minister on Monday.", aid="S1")
    assert any(e.code == INF.placeholder_code("Veskar") for e in state.entities)
    text = "Veskar Holm said the port would reopen. Holm spoke in the morning."
    ents = [("Veskar", "ORG", 0), ("Holm", "PERSON", 0), ("Holm", "PERSON", 1)]

    def entities():
        return [(e.name, e.type, [(m.start, m.end) for m in e.mentions]) for e in _doc(nlp, text, ents, aid="P1").entities]

    after_state = entities()
    _doc(nlp, "The port reopened on Monday.", aid="N1")
    assert entities() == after_state
    assert ("Veskar Holm", "PERSON") in [(n, t) for n, t, _ in after_state]
