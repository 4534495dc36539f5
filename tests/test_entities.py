"""Entity extraction inside one article: span repair, grouping, roles, metonyms, descriptions (text written for the tests)."""
import re

from storylens.annotate.entities import extract_entities
from storylens.model import Article, Document


def _doc(nlp, text, published="2025-06-01", ents=None):
    sdoc = nlp(text)
    if ents is not None:
        # Force the model's spans, to test the repair step whatever the model version predicts.
        spans = []
        for phrase, label in ents:
            start = re.search(r"\b" + re.escape(phrase) + r"\b", text).start()
            spans.append(sdoc.char_span(start, start + len(phrase), label=label))
        sdoc.ents = spans
    d = Document(article=Article(id="A1", source_path="t.txt", text=text, published=published), _spacy=sdoc)
    extract_entities(d)
    return d


def _by_name(d, name):
    hits = [e for e in d.entities if e.name == name]
    assert hits, f"no entity {name!r} in {[e.name for e in d.entities]}"
    return hits[0]


def test_offsets_point_into_cleaned_text(nlp):
    text = "Finland's President Alexander Stubb urged patience. Stubb spoke after a cabinet meeting in Helsinki."
    d = _doc(nlp, text)
    assert d.entities
    for e in d.entities:
        assert e.id.startswith("A1:E")
        for m in e.mentions:
            assert text[m.start:m.end] == m.text
            assert m.article_id == "A1"


def test_first_name_split_off_as_org_is_merged(nlp):
    text = "On Tuesday the Kremlin aide Yury Ushakov told reporters that no meeting was planned."
    d = _doc(nlp, text, ents=[("Kremlin aide Yury", "ORG"), ("Ushakov", "PERSON")])
    e = _by_name(d, "Yury Ushakov")
    assert e.type == "PERSON"
    assert "Kremlin aide" in e.roles
    assert e.country == "RUS" and e.code == "RUSGOV"
    assert not any(x.name in ("Yury", "Kremlin aide Yury") for x in d.entities)


def test_glued_scraping_artefact(nlp):
    text = "Interior Minister Pavel Drozdovsays the talks have failed. Drozdov later left the capital."
    d = _doc(nlp, text, ents=[("Pavel Drozdovsays", "PERSON"), ("Drozdov", "ORG")])
    e = _by_name(d, "Pavel Drozdov")
    assert [m.text for m in e.mentions] == ["Pavel Drozdov", "Drozdov"]
    assert e.mentions[1].kind == "surname"
    assert "Interior Minister" in e.roles


def test_surname_and_description_join_the_person(nlp):
    text = ("Ukrainian President Volodymyr Zelensky met Dutch officials on Monday. Zelensky asked for air defence. "
            "Later the Ukrainian president flew to Warsaw.")
    d = _doc(nlp, text)
    people = [e for e in d.entities if e.type == "PERSON"]
    assert len(people) == 1
    z = people[0]
    kinds = {m.text: m.kind for m in z.mentions}
    assert kinds["Zelensky"] == "surname"
    assert kinds["Ukrainian president"] == "description"
    assert z.country == "UKR" and "President of Ukraine" in z.roles


def test_description_needs_exactly_one_fitting_person(nlp):
    text = ("Russian President Vladimir Putin and Belarusian President Alexander Lukashenko met in Minsk. "
            "The president said nothing afterwards.")
    d = _doc(nlp, text)
    for e in d.entities:
        assert all(m.kind != "title" for m in e.mentions), "an ambiguous 'the president' must stay unresolved"


def test_metonyms_map_to_state_actor_and_places_do_not(nlp):
    text = "The Kremlin rejected the proposal, and Moscow said the talks were premature. The summit took place in Moscow."
    d = _doc(nlp, text)
    gov = _by_name(d, "Government of Russia")
    assert gov.code == "RUSGOV" and gov.country == "RUS"
    assert [m.text for m in gov.mentions] == ["Kremlin", "Moscow"]
    assert all(m.kind == "metonym" for m in gov.mentions)
    # "in Moscow" is a place, not the government acting.
    assert not any(m.start > text.index("took place") for e in d.entities for m in e.mentions)


def test_people_sharing_a_first_name_stay_apart(nlp):
    text = "Vladimir Putin sent his aide Vladimir Medinsky to Istanbul. Medinsky said the delegation was ready, but Putin stayed home."
    d = _doc(nlp, text)
    putin = _by_name(d, "Vladimir Putin")
    med = _by_name(d, "Vladimir Medinsky")
    assert putin.id != med.id
    assert {m.text for m in putin.mentions} == {"Vladimir Putin", "Putin"}
    assert {m.text for m in med.mentions} == {"Vladimir Medinsky", "Medinsky"}
    assert putin.code == "RUSGOV"


def test_roles_in_apposition(nlp):
    text = "Foreign Minister Sergey Lavrov said the position had not changed, and Finland's President Alexander Stubb disagreed."
    d = _doc(nlp, text)
    assert _by_name(d, "Sergey Lavrov").roles == ["Foreign Minister of Russia"]
    stubb = _by_name(d, "Alexander Stubb")
    assert "President of Finland" in stubb.roles and stubb.country == "FIN"


def test_adjectival_demonym_is_not_an_actor(nlp):
    text = "Russian officials met Ukrainian negotiators in Geneva."
    d = _doc(nlp, text)
    assert not any(m.text in ("Russian", "Ukrainian") for e in d.entities for m in e.mentions)


def test_person_label_on_a_city_is_corrected(nlp):
    text = "Officials in Washington said the plan would pressure Kyiv into concessions."
    d = _doc(nlp, text, ents=[("Washington", "GPE"), ("Kyiv", "PERSON")])
    assert not any(e.type == "PERSON" for e in d.entities)
    assert any(e.code == "UKRGOV" for e in d.entities)


def test_acronym_in_brackets_joins_the_organisation(nlp):
    text = "Delegates of the Northern Fisheries Council (NFC) met on Monday. The NFC later issued a statement."
    d = _doc(nlp, text, ents=[("Northern Fisheries Council", "ORG"), ("NFC", "ORG")])
    orgs = [e for e in d.entities if e.type == "ORG"]
    assert len(orgs) == 1
    assert [m.text for m in orgs[0].mentions] == ["Northern Fisheries Council", "NFC"]


def test_aide_of_the_person_named_before_and_affiliation(nlp):
    text = ("Vladimir Putin sent his aide Vladimir Medinsky to Istanbul. "
            "Marta Kowalczyk of the Baltic Policy Institute said little would come of it.")
    d = _doc(nlp, text, ents=[("Vladimir Putin", "PERSON"), ("Vladimir Medinsky", "PERSON"), ("Istanbul", "GPE"),
                              ("Marta Kowalczyk", "PERSON"), ("Baltic Policy Institute", "ORG")])
    med = _by_name(d, "Vladimir Medinsky")
    assert med.roles == ["aide to Vladimir Putin"] and med.country == "RUS"
    assert "Baltic Policy Institute" in _by_name(d, "Marta Kowalczyk").roles


def test_only_cleaned_text_is_read(nlp):
    raw = "Subscribe to Jonathan Pemberton's newsletter!\nThe Kremlin said talks would resume."
    text = "The Kremlin said talks would resume."
    art = Article(id="A2", source_path="t.txt", text=text, raw=raw)
    d = Document(article=art)          # no parse attached: the stage parses Article.text itself
    extract_entities(d)
    assert [e.name for e in d.entities] == ["Government of Russia"]
    empty = Document(article=Article(id="A3", source_path="e.txt", text=""))
    extract_entities(empty)
    assert empty.entities == []


def test_building_metonym_as_a_place_is_not_an_actor(nlp):
    text = "After talks at the White House, the White House said a deal was close."
    d = _doc(nlp, text)
    gov = _by_name(d, "Government of the United States")
    assert [m.start for m in gov.mentions] == [text.rindex("White House")]
    assert [e.name for e in d.entities] == ["Government of the United States"]


def test_bare_title_resolves_when_one_person_holds_it(nlp):
    text = "President Emmanuel Macron arrived in Lisbon on Sunday. The president said Europe must act together."
    d = _doc(nlp, text)
    m = _by_name(d, "Emmanuel Macron")
    assert [(x.text, x.kind) for x in m.mentions if x.kind == "title"] == [("president", "title")]


def test_mention_index_finds_the_entity_at_and_before_an_offset():
    from storylens.annotate.mentions import MentionIndex
    from storylens.model import Entity, Mention

    text = "Putin met Xi in Beijing. The Kremlin said Putin left."
    def ent(i, name, typ, *words):
        ms = []
        for w, nth in words:
            pos = [m.start() for m in re.finditer(re.escape(w), text)][nth]
            ms.append(Mention("A1", pos, pos + len(w), w))
        return Entity(id=f"A1:E{i}", name=name, type=typ, mentions=ms)
    putin = ent(0, "Vladimir Putin", "PERSON", ("Putin", 0), ("Putin", 1))
    xi = ent(1, "Xi Jinping", "PERSON", ("Xi", 0))
    kremlin = ent(2, "Government of Russia", "ORG", ("Kremlin", 0))
    idx = MentionIndex([kremlin, xi, putin])
    assert [x.entity.id for x in idx.items] == ["A1:E0", "A1:E1", "A1:E2", "A1:E0"]
    said = text.index("said")
    assert idx.at(text.index("Kremlin") + 2, text.index("Kremlin") + 4) is kremlin
    assert idx.at(said, said + 4) is None
    assert idx.before(said, 10, "ORG") is kremlin
    assert idx.before(said, 10, "PERSON") is None          # the nearer organisation is in the way
    assert [x.entity for x in idx.preceding(said, ("PERSON",))] == [xi, putin]
    assert [x.entity for x in idx.covering(0, len(text))] == [putin, xi, kremlin, putin]
    assert idx.by_id["A1:E1"] is xi
