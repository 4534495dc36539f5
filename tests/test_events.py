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


def test_intended_talks_are_an_agreement_to_meet(nlp):
    # PLOVER/CAMEO: willingness to meet is AGREE (CAMEO 036); the modality stays in mode
    doc = _doc(nlp, "Germany is ready to hold talks with Poland in any format.")
    agree = [e for e in doc.events if e.type == "AGREE"]
    assert agree and agree[0].mode == "intended" and agree[0].cameo == "036"
    assert not [e for e in doc.events if e.type == "CONSULT"]


@pytest.mark.parametrize("text", [
    "Putin won't talk to Zelensky.",
    "Moscow refused to meet the Ukrainian delegation.",
    "The Kenyan government would not negotiate with the rebels.",
])
def test_refusing_to_meet_is_reject(nlp, text):
    doc = _doc(nlp, text)
    assert [e.type for e in doc.events] == ["REJECT"], [(e.type, e.mode, e.trigger) for e in doc.events]


def test_past_negation_keeps_its_modality(nlp):
    doc = _doc(nlp, "Serbia and Croatia did not meet on Monday.")
    assert doc.events and all(e.mode == "negated" for e in doc.events)


def test_intended_force_is_a_threat_but_an_if_clause_is_not(nlp):
    doc = _doc(nlp, "Turkey will attack Kurdish militias in Syria.")
    assert [e.type for e in doc.events] == ["THREATEN"]
    doc = _doc(nlp, "If Iran attacked the tanker, Britain would send warships to the Gulf.")
    assert all(e.type != "THREATEN" or e.trigger != "attacked" for e in doc.events)


def test_reported_speech_carries_the_speaker(nlp):
    doc = _doc(nlp, "The Egyptian foreign minister said that Israeli troops attacked a border post in Gaza.")
    assert len(doc.events) == 1
    e = doc.events[0]
    assert e.type in ("FIGHT", "ASSAULT") and e.mode == "reported"
    reporter = e.reported_by_entity or e.reported_by
    assert reporter and ("minister" in reporter or reporter.startswith("t1:E"))


def test_event_inside_a_quote_is_reported_by_the_quote_speaker(nlp):
    text = 'Kenya will impose sanctions on Somalia next month, the spokesman said.'
    q = Quote(id="t1:Q0", article_id="t1", text=text[:44], kind="direct", start=0, end=44,
              speaker_entity="t1:E9", speaker_text="the spokesman")
    doc = _doc(nlp, text, quotes=[q])
    # a sanction announced for the future is a threat of sanctions (CAMEO 1312)
    sanc = [e for e in doc.events if e.type == "THREATEN"]
    assert sanc and sanc[0].reported_by_entity == "t1:E9" and sanc[0].cameo == "1312"
    assert sanc[0].mode == "intended"


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
    assert e.source_entity in ids and e.source is None and e.source_text == "Turkey"
    assert e.id == "t1:V0"


def test_events_command_filters_and_exports(tmp_path):
    from typer.testing import CliRunner

    from storylens.cli import app
    from storylens.model import Analysis, Article, Event
    from storylens.store import Store

    db = tmp_path / "s.sqlite"
    st = Store(db)
    art = Article(id="a1", source_path="x.txt", text="Chad attacked Niger. Mali praised Chad.", outlet="Daily")
    ev = [Event(id="a1:V0", article_id="a1", sentence="Chad attacked Niger.", start=0, end=20, type="FIGHT",
                cameo="190", source="chad", target="niger", source_text="Chad", target_text="Niger"),
          Event(id="a1:V1", article_id="a1", sentence="Mali praised Chad.", start=21, end=39, type="SUPPORT",
                cameo="051", source="mali", target="chad", source_text="Mali", target_text="Chad")]
    st.replace_analysis(Analysis(articles=[art], events=ev))
    st.close()
    runner = CliRunner()
    out = runner.invoke(app, ["events", "--db", str(db), "--type", "fight", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert '"a1:V0"' in out.output and '"a1:V1"' not in out.output
    out = runner.invoke(app, ["events", "--db", str(db), "--actor", "mali", "--format", "csv"])
    assert out.exit_code == 0 and "a1:V1" in out.output and "a1:V0" not in out.output
    pq = tmp_path / "ev.parquet"
    out = runner.invoke(app, ["events", "--db", str(db), "--export", str(pq)])
    assert out.exit_code == 0, out.output
    import pyarrow.parquet as papq

    t = papq.read_table(str(pq))
    assert t.num_rows == 2 and "mode" in t.column_names and "reported_by" in t.column_names
    csv_path = tmp_path / "ev.csv"
    assert runner.invoke(app, ["events", "--db", str(db), "--export", str(csv_path)]).exit_code == 0
    assert csv_path.read_text().splitlines()[0].startswith("id,article_id,sentence")


def test_force_against_civilians_is_assault(nlp):
    coded = _coded(nlp, "Syrian troops attacked a refugee camp near Homs on Friday.")
    assert coded and coded[0][0].type == "ASSAULT"
    assert coded[0][1].country == "SYR"


def test_lifting_a_blockade_is_not_a_blockade(nlp):
    doc = _doc(nlp, "Egypt lifted its blockade of the Gaza crossing on Sunday.")
    assert all(e.type != "COERCE" for e in doc.events), [(e.type, e.trigger) for e in doc.events]


def test_speaker_in_relative_clause_and_future_with_curly_apostrophe(nlp):
    doc = _doc(nlp, "The talks stalled, according to the Kenyan envoy Amina Odhiambo, who said no deal "
                    "has been reached between Kenya and Somalia.")
    agree = [e for e in doc.events if e.type == "AGREE"]
    assert agree and agree[0].mode == "negated" and (agree[0].reported_by_entity or agree[0].reported_by)
    doc = _doc(nlp, "Peru says it’ll only negotiate with Chile.")
    agree = [e for e in doc.events if e.type == "AGREE"]
    assert agree and agree[0].mode == "intended"


def _store_with_events(tmp_path):
    from storylens.model import Analysis, Article, Event
    from storylens.store import Store

    db = tmp_path / "s.sqlite"
    st = Store(db)
    art = Article(id="a1", source_path="x.txt", text="Chad shelled Niger. Officials met.", outlet="Daily",
                  url="https://example.org/a1", published="2024-03-05")
    ev = [Event(id="a1:V0", article_id="a1", sentence="Chad shelled Niger.", start=0, end=19, type="FIGHT",
                cameo="194", source="chad", target=None, source_text="Chad", target_text="Niger troops",
                source_code="TCD", target_code="NERMIL", source_country="TCD", target_country="NER",
                location="Diffa", date=None),
          Event(id="a1:V1", article_id="a1", sentence="Officials met.", start=20, end=34, type="CONSULT",
                cameo="040", mode="reported", source=None, source_text="Senior Malian officials",
                source_code="MLIGOV", source_country="MLI", date="2024-03-04")]
    from storylens.model import Document

    st.add_documents([Document(article=art)])
    st.replace_analysis(Analysis(articles=[art], events=ev))
    st.close()
    return db


def test_events_table_keeps_actor_codes_without_canonical_actors(tmp_path):
    from storylens.store import Store

    st = Store(_store_with_events(tmp_path), readonly=True)
    an = st.load_analysis()
    st.close()
    by_id = {e.id: e for e in an.events}
    assert by_id["a1:V1"].source is None and by_id["a1:V1"].source_code == "MLIGOV"
    assert (by_id["a1:V0"].target_code, by_id["a1:V0"].target_country) == ("NERMIL", "NER")


def test_events_plover_and_gdelt_formats(tmp_path):
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from storylens.cli import app

    db = _store_with_events(tmp_path)
    runner = CliRunner()
    out = runner.invoke(app, ["events", "--db", str(db), "--format", "plover"])
    assert out.exit_code == 0, out.output
    recs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["event"] for r in recs] == ["FIGHT", "CONSULT"]
    assert recs[0]["source"][0]["code"] == "TCD" and recs[0]["target"][0]["country"] == "NER"
    assert recs[0]["date"] == "2024-03-05" and recs[1]["date"] == "2024-03-04"  # article date when the event has none
    assert recs[0]["textInfo"]["start"] == 0 and recs[0]["textInfo"]["end"] == 19 and recs[0]["eventLoc"]["name"] == "Diffa"
    assert recs[1]["modality"] == "reported" and recs[1]["target"] == []
    out = runner.invoke(app, ["events", "--db", str(db), "--format", "gdelt"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["Actor1Code"], r["Actor2Code"], r["EventRootCode"], r["QuadClass"]) for r in rows] == [
        ("TCD", "NERMIL", "19", "4"), ("MLIGOV", "", "04", "1")]
    assert rows[0]["SQLDATE"] == "20240305" and float(rows[0]["GoldsteinScale"]) < 0 < float(rows[1]["GoldsteinScale"])
    assert rows[0]["SOURCEURL"] == "https://example.org/a1" and rows[0]["Actor2CountryCode"] == "NER"
    out = runner.invoke(app, ["events", "--db", str(db), "--format", "acled"])
    assert out.exit_code == 2 and "unknown format" in out.output and "Traceback" not in out.output


def test_event_dates_resolve_against_the_article_date_or_keep_the_phrase(nlp):
    text = "Syrian troops shelled Turkish border posts on Monday."
    dated = _doc(nlp, text, published="2024-05-15")  # a Wednesday
    assert [(e.date, e.date_text) for e in dated.events] == [("2024-05-13", "Monday")]
    undated = _doc(nlp, text, published=None)
    assert [(e.date, e.date_text) for e in undated.events] == [(None, "Monday")]


def test_analysis_json_events_carry_codes_without_canonical_actors(tmp_path):
    import json

    from typer.testing import CliRunner

    from storylens.cli import app

    src = tmp_path / "items.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"url": "urn:x:1", "published": "2024-02-07",
         "text": "Senior Kenyan and Ugandan officials met in Nairobi on Monday to discuss the pipeline."},
        {"url": "urn:x:2", "published": "2024-02-07",
         "text": "Syria launched a large missile attack on Turkish fuel depots near the border."},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyze", str(src), "--out", str(out), "--no-report", "--no-progress"])
    assert res.exit_code == 0, res.output
    events = json.loads((out / "analysis.json").read_text(encoding="utf-8"))["events"]
    fight = [e for e in events if e["type"] == "FIGHT"]
    assert [(e["source_code"], e["target_code"], e["target_country"]) for e in fight] == [("SYR", "TUR", "TUR")], events
    assert fight[0]["target"] is None  # "Turkish fuel depots" is no canonical actor, but its code is known
    met = [e for e in events if e["type"] == "CONSULT"]
    assert {e["source_code"] for e in met} == {"KENGOV", "UGAGOV"}, [(e["type"], e["source_code"]) for e in events]


def test_cameo_to_plover_follows_the_gold_records_type_set():
    # cameo_plover.tsv (scripts/build_event_data.py): embargoes, boycotts and sanctions (CAMEO 163) stand
    # under the table's "16: SANCTION" heading; easing a curfew or emergency rule is a child of 081 (CONCEDE)
    from storylens.annotate.event_lexicon import lexicon

    lex = lexicon()
    assert lex.plover_of("163")[0] == "SANCTION" and lex.plover_of("1312")[0] == "THREATEN"
    assert lex.plover_of("0813")[0] == "CONCEDE" and lex.plover_of("0871")[0] == "RETREAT"
    assert lex.plover_of("171")[0] == "COERCE"


def test_imposing_sanctions_is_a_sanction(nlp):
    coded = code_events(_doc_parsed(nlp, "The European Union imposed sanctions on Belarus."), prior=None)
    assert [e.type for e, _, _ in coded] == ["SANCTION"]
    e, src, tgt = coded[0]
    assert src.country == "IGO" and tgt.country == "BLR"


def test_a_vow_to_use_force_is_a_threat(nlp):
    doc = _doc(nlp, "Kurdish rebels have vowed to fight until they control the mountain villages near the border.")
    assert "THREATEN" in [e.type for e in doc.events]
    assert "FIGHT" not in [e.type for e in doc.events]


def _doc_parsed(nlp, text):
    doc = next(parse([Article(id="t1", source_path="t", text=text, published="2024-05-15")], nlp))
    extract_entities(doc)
    return doc
