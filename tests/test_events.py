"""The event stage on sentences written for these tests (types, actors, modality, reported speech, dates)."""
import pytest

from storylens.annotate.entities import extract_entities
from storylens.annotate.events import code_events, extract_events
from storylens.annotate.nlp import parse
from storylens.model import Article, Quote


def _doc(nlp, text, published="2024-05-15", quotes=None):
    doc = next(parse([Article(id="t1", source_path="t", text=text, published=published)], nlp))
    extract_entities(doc)
    doc.quotes = quotes or []
    extract_events(doc)
    return doc


def _coded(nlp, text, published="2024-05-15"):
    doc = next(parse([Article(id="t1", source_path="t", text=text, published=published)], nlp))
    extract_entities(doc)
    return code_events(doc)


def test_military_attack_is_fight_with_actors_and_date(nlp):
    coded = _coded(nlp, "Russian troops shelled the Ukrainian city of Kharkiv on Monday.")
    assert len(coded) == 1
    e, src, tgt = coded[0]
    assert e.type == "FIGHT" and e.cameo.startswith("19")
    assert e.mode == "asserted"
    assert src is not None and src.country == "RUS"
    assert e.date == "2024-05-13" and e.date_text == "Monday"
    assert e.start == 0 and e.sentence.startswith("Russian troops")


def test_reject_and_target(nlp):
    coded = _coded(nlp, "Poland rejected a proposal from Hungary to hold new talks.")
    e, src, tgt = coded[0]
    assert e.type == "REJECT"
    assert src.country == "POL" and tgt is not None and tgt.country == "HUN"
    assert len(coded) == 1  # the talks are what was rejected, not a second event


def test_negation_is_not_asserted(nlp):
    doc = _doc(nlp, "Serbia has not agreed to the ceasefire proposed by Croatia.")
    assert doc.events, "the negated agreement is still recorded"
    assert all(e.mode == "negated" for e in doc.events)


def test_no_agreement_reached_is_negated_agree(nlp):
    doc = _doc(nlp, "No formal agreement has been reached between Serbia and Croatia.")
    agree = [e for e in doc.events if e.type == "AGREE"]
    assert agree and all(e.mode == "negated" for e in agree)


@pytest.mark.parametrize("text", [
    "A summit with the rebels would mean recognising their government, Chile's foreign minister said.",
    "Peru could be persuaded to hold talks with Ecuador if the border attacks stopped.",
    "If Iran attacked the tanker, Britain would send warships to the Gulf.",
])
def test_hypotheticals_are_never_asserted(nlp, text):
    doc = _doc(nlp, text)
    assert all(e.mode != "asserted" for e in doc.events), [(e.type, e.mode, e.trigger) for e in doc.events]


def test_intended_talks(nlp):
    doc = _doc(nlp, "Germany is ready to hold talks with Poland in any format.")
    consult = [e for e in doc.events if e.type == "CONSULT"]
    assert consult and consult[0].mode == "intended"


def test_reported_speech_carries_the_speaker(nlp):
    doc = _doc(nlp, "The Egyptian foreign minister said that Israeli troops attacked a border post in Gaza.")
    assert len(doc.events) == 1
    e = doc.events[0]
    assert e.type in ("FIGHT", "ASSAULT") and e.mode == "reported"
    assert e.reported_by and ("minister" in e.reported_by or e.reported_by.startswith("t1:E"))


def test_event_inside_a_quote_is_reported_by_the_quote_speaker(nlp):
    text = 'Kenya will impose sanctions on Somalia next month, the spokesman said.'
    q = Quote(id="t1:Q0", article_id="t1", text=text[:44], kind="direct", start=0, end=44,
              speaker="t1:E9", speaker_text="the spokesman")
    doc = _doc(nlp, text, quotes=[q])
    sanc = [e for e in doc.events if e.type in ("COERCE", "SANCTION")]
    assert sanc and sanc[0].reported_by == "t1:E9"
    assert sanc[0].mode in ("reported", "intended")


def test_nominal_event_with_possessive_actor(nlp):
    coded = _coded(nlp, "Ukraine's drone strikes on Russian oil refineries intensified this week.")
    assert len(coded) == 1
    e, src, _ = coded[0]
    assert e.type in ("FIGHT", "ASSAULT") and e.trigger == "strikes"
    assert src.country == "UKR"
    assert e.date == "2024-05-13"


def test_sentences_without_political_events(nlp):
    doc = _doc(nlp, "The weather in Geneva was cold. Markets were quiet and analysts said little.")
    assert doc.events == []


def test_entity_ids_are_local(nlp):
    doc = _doc(nlp, "Turkey condemned Syria for the shelling of border villages.")
    e = doc.events[0]
    assert e.type == "DISAPPROVE"
    ids = {x.id for x in doc.entities}
    assert e.source in ids and e.source_text == "Turkey"
    assert e.id == "t1:V0"
