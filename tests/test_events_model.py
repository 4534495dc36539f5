"""The event stage's learned sentence-class prior, the actor fallbacks and the dictionary corrections
(sentences written for these tests)."""
import numpy as np
import pytest

from storylens.annotate import event_model
from storylens.annotate.entities import extract_entities
from storylens.annotate.events import code_events
from storylens.annotate.nlp import parse
from storylens.model import Article


def _coded(nlp, text, prior="default"):
    doc = next(parse([Article(id="t1", source_path="t", text=text, published="2024-05-15")], nlp))
    extract_entities(doc)
    return code_events(doc, prior=prior)


def test_cameo_class_boundaries():
    assert [event_model.cameo_class(c) for c in ("010", "036", "0831", "100", "1312", "163", "190")] == [0, 1, 2, 3, 3, 4, 4]
    assert event_model.cameo_class(None, "FIGHT") == 4


def test_analyzer_matches_scikit_learn_tokens():
    # uni- and bigrams of 2+ character word tokens, lower-cased, as the training vectoriser made them
    assert event_model.analyze("Troops shelled a U.S. base") == [
        "troops", "shelled", "base", "troops shelled", "shelled base"]


def test_shipped_model_loads_and_separates_conflict_from_cooperation():
    m = event_model.model()
    assert m is not None, "data/events/penta_model.npz is missing: run scripts/train_event_model.py"
    p = m.proba(["Government troops shelled rebel positions and killed dozens of fighters overnight.",
                 "The two governments signed an agreement to expand trade and cooperation."])
    assert p.shape == (2, 5) and np.allclose(p.sum(axis=1), 1.0)
    assert p[0, 3] + p[0, 4] > p[0, 1] + p[0, 2]
    assert p[1, 1] + p[1, 2] > p[1, 3] + p[1, 4]


def test_model_round_trip(tmp_path):
    m = event_model.PentaModel(["aa", "bb", "aa bb"], np.ones(3), np.arange(15, dtype=float).reshape(5, 3) / 10,
                               np.zeros(5))
    path = tmp_path / "m.npz"
    m.save(path, "test")
    m2 = event_model.load(path)
    assert np.allclose(m.proba(["aa bb", "cc"]), m2.proba(["aa bb", "cc"]))


class _Fixed:
    """A stand-in prior that puts all its mass on one class."""

    def __init__(self, cls):
        self.cls = cls
        self.calls = 0

    def proba(self, texts):
        self.calls += 1
        p = np.zeros((len(texts), 5))
        p[:, self.cls] = 1.0
        return p


def test_prior_vetoes_an_event_on_the_wrong_side_in_one_call(nlp):
    text = "Syrian troops attacked rebel positions near Aleppo. Turkey condemned Syria."
    assert _coded(nlp, text, prior=None)
    coop = _Fixed(2)
    assert _coded(nlp, text, prior=coop) == []
    assert coop.calls == 1, "all candidate sentences of a document go to the model together"
    conflict = _Fixed(4)
    assert [e.type for e, _, _ in _coded(nlp, text, prior=conflict)] == [e.type for e, _, _ in _coded(nlp, text, prior=None)]


@pytest.mark.parametrize("text", [
    "Although the senator campaigned on a promise to cut taxes, little changed.",
    "The tabloids tried to hurt the president with ridicule.",
    "Why Talks Are Failing",
])
def test_figurative_and_electoral_senses_are_not_force(nlp, text):
    coded = _coded(nlp, text)
    assert all(e.type not in ("ASSAULT", "FIGHT", "SANCTION") for e, _, _ in coded), [(e.type, e.trigger) for e, _, _ in coded]


def test_target_found_deeper_in_the_act(nlp):
    coded = _coded(nlp, "Ghana will send food aid to refugees fleeing the fighting in Liberia.", prior=None)
    assert coded and coded[0][2] is not None and coded[0][2].country == "LBR"


def test_time_phrase_is_not_a_target(nlp):
    coded = _coded(nlp, "Just before the Geneva summit, Ukraine launched drone attacks.", prior=None)
    assert coded and (coded[0][2] is None or coded[0][2].country != "CHE")


def test_titled_person_takes_the_sentence_country(nlp):
    coded = _coded(nlp, "President Ilse Brandvold threatened to impose a curfew in Lusaka.", prior=None)
    assert coded and coded[0][0].type == "THREATEN"
    assert coded[0][1] is not None and coded[0][1].code == "ZMBGOV"


def test_organisations_missing_from_phoenix(nlp):
    coded = _coded(nlp, "The European Community condemned Serbia on Monday.", prior=None)
    assert coded and coded[0][1].code.startswith("IGO")


def test_accepting_demands_is_a_concession(nlp):
    coded = _coded(nlp, "The Malawi government accepted demands from striking teachers.", prior=None)
    assert [e.type for e, _, _ in coded] == ["CONCEDE"]


def test_title_written_before_a_mention_gives_the_person_a_government_code():
    from storylens.annotate.event_actors import _titled_mention_code
    from storylens.model import Entity, Mention

    text = "Talks resumed. Moldovan President Ilse Brandvold arrived in Vienna. Brandvold spoke."
    start = text.index("Ilse")
    ent = Entity(id="t1:E1", name="Ilse Brandvold", type="PERSON", mentions=[
        Mention("t1", start, start + 14, "Ilse Brandvold"), Mention("t1", text.rindex("Brandvold"), len(text) - 7, "Brandvold")])
    assert _titled_mention_code(ent, text) == "MDAGOV"
    plain = "Talks resumed. Ilse Brandvold arrived in Vienna."
    ent.mentions = [Mention("t1", plain.index("Ilse"), plain.index("Ilse") + 14, "Ilse Brandvold")]
    assert _titled_mention_code(ent, plain) is None


def test_open_to_talks_is_intent_even_when_the_preposition_hangs_on_the_copula(nlp):
    coded = _coded(nlp, "Chile has said it is “open” to negotiations with Peru.", prior=None)
    assert coded and coded[0][0].type == "AGREE" and coded[0][0].mode == "intended"


def test_a_group_of_is_the_actor_it_is_a_group_of(nlp):
    coded = _coded(nlp, "A group of Kenyan farmers continued their hunger strike on Monday.", prior=None)
    assert coded and coded[0][1] is not None and coded[0][1].country == "KEN"
