"""The quote stage on sentences written for these tests: every quote form and every speaker path.

Entities are built here from given names (not by the entities stage), so these tests pin the
quote stage alone.
"""
import json
import re

import pytest

from storylens.annotate.quote_marks import find_mark_spans
from storylens.annotate.quotes import extract_quotes
from storylens.model import Actor, Analysis, Article, Document, Entity, Mention, Quote, Sentence


def _doc(nlp, text, entities=()):
    """A parsed document with one entity per (name, type, surface forms...) tuple."""
    art = Article(id="t1", source_path="t1.txt", text=text)
    sdoc = nlp(text)
    doc = Document(article=art, _spacy=sdoc, sentences=[Sentence(s.start_char, s.end_char, s.text) for s in sdoc.sents])
    for n, (name, typ, *forms) in enumerate(entities):
        e = Entity(id=f"t1:E{n}", name=name, type=typ)
        for form in forms or [name]:
            for m in re.finditer(re.escape(form), text):
                e.mentions.append(Mention("t1", m.start(), m.end(), form))
        e.mentions.sort(key=lambda m: m.start)
        doc.entities.append(e)
    extract_quotes(doc)
    for q in doc.quotes:  # offsets are the truth
        assert text[q.start:q.end] == q.text
        assert re.fullmatch(r"t1:Q\d+", q.id)
        if q.speaker_start is not None:
            assert text[q.speaker_start:q.speaker_end] == q.speaker_text
    return doc


def _one(doc, kind, contains=None):
    got = [q for q in doc.quotes if q.kind == kind and (contains is None or contains in q.text)]
    assert len(got) == 1, [(q.kind, q.text) for q in doc.quotes]
    return got[0]


# ---- quotation marks without a parse ----------------------------------------------------------

def test_marks_pair_curly_straight_and_single_but_not_apostrophes():
    text = 'He said “we are ready,” then "yes" and Russia’s ‘Kyiv regime’ line.'
    got = [text[s.start:s.end] for s in find_mark_spans(text)]
    assert got == ["we are ready", "yes", "Kyiv regime"]


def test_marks_written_as_doubled_apostrophes():
    text = "''This isn't reform,'' said Ms. Hale, who asked a ‘‘simple question’’ first."
    got = [text[s.start:s.end] for s in find_mark_spans(text)]
    assert got == ["This isn't reform", "simple question"]


def test_unclosed_mark_counts_only_when_next_paragraph_reopens():
    text = "“First part of a long quote\n“and its end.”\n\n\"A stray mark at the start\n\nPlain text."
    spans = find_mark_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["First part of a long quote", "and its end."]
    assert spans[0].unclosed


# ---- direct quotes ----------------------------------------------------------------------------

def test_direct_curly_with_attribution_after(nlp):
    text = "“We are not ready for a meeting with the Ukrainian side,” Ushakov said on Friday."
    doc = _doc(nlp, text, [("Yury Ushakov", "PERSON", "Ushakov")])
    q = _one(doc, "direct")
    assert q.text == "We are not ready for a meeting with the Ukrainian side"
    assert q.speaker_entity == "t1:E0" and q.speaker_text == "Ushakov" and "said" in q.cue
    assert not [x for x in doc.quotes if x.kind == "indirect"]


def test_direct_multi_sentence_is_one_quote(nlp):
    text = "“The talks failed. Nobody came from Moscow. We will try again next month,” Zelensky said."
    doc = _doc(nlp, text, [("Volodymyr Zelensky", "PERSON", "Zelensky")])
    q = _one(doc, "direct")
    assert q.text.startswith("The talks failed.") and q.text.endswith("next month")
    assert q.speaker_entity == "t1:E0"


def test_split_quote_gives_two_parts_with_the_same_speaker(nlp):
    text = ("Volodymyr Zelensky spoke in Kyiv on Monday. “We are ready for exchanges,” he said, "
            "“but meetings at this level are pointless.”")
    doc = _doc(nlp, text, [("Volodymyr Zelensky", "PERSON")])
    parts = [q for q in doc.quotes if q.kind == "direct"]
    assert [p.text for p in parts] == ["We are ready for exchanges", "but meetings at this level are pointless."]
    assert {p.speaker_entity for p in parts} == {"t1:E0"}
    assert parts[0].speaker_start == parts[1].speaker_start  # one attribution links both parts


def test_direct_after_colon_in_previous_paragraph(nlp):
    text = "Senator Maria Olsen told reporters:\n\n“The budget will pass before the end of the month.”"
    doc = _doc(nlp, text, [("Maria Olsen", "PERSON")])
    q = _one(doc, "direct")
    assert q.speaker_entity == "t1:E0"


def test_block_quote_with_named_attribution_line(nlp):
    text = ("The talks stalled again this week.\n\n"
            "We are ready for exchanges, but these meetings solve nothing at all.\n\n"
            "– Ukrainian President Volodymyr Zelensky\n\nThe delegations left Istanbul.")
    doc = _doc(nlp, text, [("Volodymyr Zelensky", "PERSON"), ("Ukrainian", "NORP")])
    q = _one(doc, "direct")
    assert q.text == "We are ready for exchanges, but these meetings solve nothing at all."
    assert q.speaker_entity == "t1:E0"
    assert q.speaker_text == "Ukrainian President Volodymyr Zelensky"


def test_block_quote_with_anonymous_attribution_keeps_text_only(nlp):
    text = "The strikes were a clear signal to Moscow and to everyone else.\n\n— Defense analyst\n"
    doc = _doc(nlp, text, [("Moscow", "GPE")])
    q = _one(doc, "direct")
    assert q.speaker_entity is None and q.speaker_text == "Defense analyst"


def test_quote_with_source_after_dash_on_same_line(nlp):
    text = "“He cannot answer a single question without scaring people.” ― Ana Ruiz\n"
    doc = _doc(nlp, text, [("Ana Ruiz", "PERSON")])
    q = _one(doc, "direct")
    assert q.speaker_entity == "t1:E0" and q.speaker_text == "Ana Ruiz"


def test_transcript_line_speaker(nlp):
    text = "Mike Pence joined the show.\n\nPENCE: We are going to win this debate tomorrow night.\n"
    doc = _doc(nlp, text, [("Mike Pence", "PERSON")])
    q = _one(doc, "direct")
    assert q.text == "We are going to win this debate tomorrow night."
    assert q.speaker_text == "PENCE" and q.speaker_entity == "t1:E0"


# ---- partial, indirect, scare -------------------------------------------------------------------

def test_partial_quote_inside_reported_speech(nlp):
    text = ("Kremlin aide Yury Ushakov spoke carefully, saying only that there was discussion about "
            "“raising the level of representatives” for negotiations.")
    doc = _doc(nlp, text, [("Yury Ushakov", "PERSON")])
    p = _one(doc, "partial")
    assert p.text == "raising the level of representatives"
    assert p.speaker_entity == "t1:E0"
    ind = _one(doc, "indirect")
    assert ind.text.startswith("there was discussion") and ind.speaker_entity == "t1:E0"


@pytest.mark.parametrize("cue", ["insisted", "warned", "clarified", "stated"])
def test_indirect_speech_with_cue_verb(nlp, cue):
    text = f"Sergey Lavrov {cue} that Russia did not rule out any format for the talks."
    doc = _doc(nlp, text, [("Sergey Lavrov", "PERSON"), ("Russia", "GPE")])
    q = _one(doc, "indirect")
    assert q.text == "Russia did not rule out any format for the talks"
    assert q.speaker_entity == "t1:E0" and cue in q.cue


def test_lead_in_before_a_colon_is_not_reported_content(nlp):
    text = ("It would look like a quarrel between two neighbours over a fence: President Anton Reiss "
            "says he is ready for a settlement of the valley dispute.")
    doc = _doc(nlp, text, [("Anton Reiss", "PERSON")])
    q = _one(doc, "indirect")
    assert q.text == "he is ready for a settlement of the valley dispute" and q.speaker_entity == "t1:E0"


def test_headline_above_is_not_the_speaker(nlp):
    text = "The Strike at Brenna\n\nMorvaine officials said the attack was the worst incident on the border."
    doc = _doc(nlp, text, [("Brenna", "GPE")])
    q = _one(doc, "indirect")
    assert q.speaker_text == "Morvaine officials" and q.speaker_entity is None


def test_according_to_anonymous_sources(nlp):
    text = "The summit in Budapest has been postponed indefinitely, according to diplomatic sources."
    doc = _doc(nlp, text, [("Budapest", "GPE")])
    q = _one(doc, "indirect")
    assert q.text == "The summit in Budapest has been postponed indefinitely"
    assert q.cue == "according to" and q.speaker_entity is None and q.speaker_text == "diplomatic sources"


def test_scare_quotes_get_no_speaker(nlp):
    text = "Troops moved toward the so-called “buffer zone” near the river on Tuesday."
    doc = _doc(nlp, text)
    q = _one(doc, "scare")
    assert q.text == "buffer zone" and q.speaker_entity is None and q.speaker_text is None


def test_quoted_word_under_a_cue_is_partial_not_scare(nlp):
    text = "Volodymyr Zelensky says Putin is simply “afraid.”"
    doc = _doc(nlp, text, [("Volodymyr Zelensky", "PERSON"), ("Putin", "PERSON")])
    assert _one(doc, "partial").text == "afraid"
    assert _one(doc, "partial").speaker_entity == "t1:E0"


# ---- speaker resolution paths -------------------------------------------------------------------

def test_pronoun_resolves_to_preceding_subject_person(nlp):
    text = ("Donald Trump met Vladimir Putin in Alaska last week. "
            "He said that the two leaders had made real progress on a ceasefire.")
    doc = _doc(nlp, text, [("Donald Trump", "PERSON"), ("Vladimir Putin", "PERSON"), ("Alaska", "GPE")])
    q = _one(doc, "indirect")
    assert q.speaker_text == "He" and q.speaker_entity == "t1:E0"


def test_second_conjunct_keeps_its_own_subject(nlp):
    text = "Viktor Orban has deep ties to Russia and Moscow has just said that the war has been won."
    doc = _doc(nlp, text, [("Viktor Orban", "PERSON"), ("Russia", "GPE"), ("Moscow", "GPE")])
    q = _one(doc, "indirect")
    assert q.speaker_text == "Moscow" and q.speaker_entity == "t1:E2"


def test_it_resolves_to_an_organisation(nlp):
    text = "The Kremlin issued a statement on Friday. It said that no meeting had been agreed with Kyiv."
    doc = _doc(nlp, text, [("Kremlin", "ORG"), ("Kyiv", "GPE")])
    q = _one(doc, "indirect")
    assert q.speaker_text == "It" and q.speaker_entity == "t1:E0"


def test_description_resolves_to_titled_person(nlp):
    text = ("Foreign Minister Sergey Lavrov met Marco Rubio in Geneva. "
            "\"The door remains open for talks at any level,\" the minister said.")
    doc = _doc(nlp, text, [("Sergey Lavrov", "PERSON"), ("Marco Rubio", "PERSON"), ("Geneva", "GPE")])
    q = _one(doc, "direct")
    assert q.speaker_text == "the minister" and q.speaker_entity == "t1:E0"


def test_institution_resolves_to_its_state(nlp):
    text = "Russia's foreign ministry warned that the new sanctions would end the negotiations."
    doc = _doc(nlp, text, [("Russia", "GPE")])
    q = _one(doc, "indirect")
    assert q.speaker_entity == "t1:E0"


@pytest.mark.parametrize("source", ["Officials", "A defense analyst", "Western diplomats"])
def test_anonymous_sources_keep_text_without_actor(nlp, source):
    text = f"{source} warned that the summit could be delayed until the spring."
    doc = _doc(nlp, text, [("Kremlin", "ORG")])
    q = _one(doc, "indirect")
    assert q.speaker_entity is None and q.speaker_text == source


def test_author_voice_is_not_a_quote(nlp):
    text = "I think the talks will fail, and this shows that nobody wants peace."
    doc = _doc(nlp, text)
    assert [q for q in doc.quotes if q.kind == "indirect"] == []


# ---- the listing command --------------------------------------------------------------------------

def _store(tmp_path):
    from storylens.store import Store

    st = Store(tmp_path / "db.sqlite")
    st.replace_analysis(Analysis(
        actors=[Actor(id="yury-ushakov", name="Yury Ushakov", type="PERSON", aliases=["Ushakov", "Kremlin aide"])],
        quotes=[Quote(id="a:Q1", article_id="a", text="Press reports exaggerate", kind="direct", start=5, end=29,
                      speaker="yury-ushakov", speaker_text="Ushakov", cue="stated"),
                Quote(id="a:Q2", article_id="a", text="buffer zone", kind="scare", start=40, end=51),
                Quote(id="a:Q3", article_id="a", text="the summit is off", kind="indirect", start=60, end=77,
                      speaker_text="diplomatic sources", cue="according to")]))
    st.close()
    return tmp_path / "db.sqlite"


def test_quote_rows_filter_by_alias_speaker_text_and_kind(tmp_path):
    from storylens.commands.quotes import quote_rows
    from storylens.store import Store

    st = Store(_store(tmp_path), readonly=True)
    assert [r["id"] for r in quote_rows(st, speaker="kremlin AIDE")] == ["a:Q1"]
    assert [r["id"] for r in quote_rows(st, speaker="diplomatic")] == ["a:Q3"]
    assert quote_rows(st, speaker="ushakov")[0]["speaker_name"] == "Yury Ushakov"
    assert [r["id"] for r in quote_rows(st, kind="scare")] == ["a:Q2"]
    st.close()


def test_quotes_command_json(tmp_path):
    from typer.testing import CliRunner

    from storylens.cli import app

    db = _store(tmp_path)
    res = CliRunner().invoke(app, ["quotes", "--db", str(db), "--speaker", "Yury", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [(r["id"], r["speaker_name"], r["text"]) for r in rows] == [("a:Q1", "Yury Ushakov", "Press reports exaggerate")]
    bad = CliRunner().invoke(app, ["quotes", "--db", str(tmp_path / "missing.sqlite")])
    assert bad.exit_code == 2



def test_group_speaking_through_a_named_example(nlp):
    text = ("Diplomats met in Oslo on Monday. But leaders like Norway's Prime Minister Ingrid Dahl are still not "
            "convinced and say that the ceasefire is fragile.")
    doc = _doc(nlp, text, [("Oslo", "GPE"), ("Norway", "GPE"), ("Ingrid Dahl", "PERSON")])
    q = _one(doc, "indirect", "ceasefire is fragile")
    assert q.speaker_entity == "t1:E2"


# ---- sentences, coordinated and parenthetical sources, kinds ------------------------------------

def test_no_sentence_starts_inside_a_quotation(nlp):
    from storylens.annotate.nlp import parse

    text = ("Kyiv ignored the summons. “Moscow wants a deal. Talsk answers with press conferences,” Reiss "
            "said on Friday. The talks were postponed.")
    doc = next(parse([Article(id="s1", source_path="s1.txt", text=text)], nlp))
    starts = [s.start for s in doc.sentences]
    open_, close = text.index("“"), text.index("”")
    assert not [s for s in starts if open_ < s < close]
    assert any(s.text.startswith("“Moscow wants a deal.") and "Reiss said" in s.text for s in doc.sentences)
    assert all(text[s.start:s.end] == s.text for s in doc.sentences)


def test_sentence_merge_keeps_boundaries_outside_quotations():
    from storylens.annotate.sentences import merge_quoted

    text = "One. “Two. Three,” he said. Four."
    spans = [(0, 4), (5, 10), (11, 27), (28, 33)]
    assert merge_quoted(spans, text) == [(0, 4), (5, 27), (28, 33)]


def test_coordinated_subject_gives_every_speaker(nlp):
    text = "Vladimir Putin and Sergei Lavrov said that the talks would resume in May."
    doc = _doc(nlp, text, [("Vladimir Putin", "PERSON"), ("Sergei Lavrov", "PERSON")])
    q = _one(doc, "indirect")
    assert q.speaker_entity == "t1:E0"
    assert q.speaker_entities == ["t1:E0", "t1:E1"]
    assert q.speaker_text == "Vladimir Putin and Sergei Lavrov"


def test_parenthetical_pronoun_is_not_the_interrupted_subject(nlp):
    text = ("Foreign minister Lena Reiss met reporters on Monday. Mark Vasko, she noted, has no plan "
            "for the talks.")
    doc = _doc(nlp, text, [("Lena Reiss", "PERSON"), ("Mark Vasko", "PERSON")])
    q = _one(doc, "indirect")
    assert q.speaker_text == "she" and q.speaker_entity == "t1:E0"


def test_belief_is_its_own_kind(nlp):
    text = "Ukrainian officials believe that the ceasefire will not hold through the winter."
    doc = _doc(nlp, text, [("Ukrainian", "NORP")])
    q = _one(doc, "belief")
    assert q.text == "the ceasefire will not hold through the winter"
    assert not [x for x in doc.quotes if x.kind == "indirect"]


def test_trained_model_adds_non_speech_attributions(nlp):
    text = ("Senator Maria Olsen called for a moratorium on new drilling permits. "
            "Donald Trump wants to end the war in Ukraine quickly.")
    doc = _doc(nlp, text, [("Maria Olsen", "PERSON"), ("Donald Trump", "PERSON")])
    q = _one(doc, "indirect")
    assert q.text == "a moratorium on new drilling permits" and q.cue == "called for"
    assert q.speaker_entity == "t1:E0"
    w = _one(doc, "intention")
    assert "end the war in Ukraine quickly" in w.text and w.speaker_entity == "t1:E1" and w.cue == "wants"


def test_without_the_model_only_speech_verbs_make_attributions(nlp, monkeypatch):
    from storylens.annotate import quotes

    monkeypatch.setattr(quotes, "load_models", lambda: None)
    text = "Senator Maria Olsen called for a moratorium on new drilling permits."
    doc = _doc(nlp, text, [("Maria Olsen", "PERSON")])
    assert [q for q in doc.quotes if q.kind != "scare"] == []
