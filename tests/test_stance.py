"""Stance model: the committed artefact loads and behaves on hand-written pairs; the CLI writes FNC-1 files."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from storylens.compare import stance

CLAIM = "Pope Francis endorses Donald Trump for president"

REFUTING_BODY = (
    "A story claiming that Pope Francis endorsed Donald Trump for president is fake. "
    "The report first appeared on a satirical website and has been debunked. "
    "The Vatican denied that the Pope had endorsed any candidate, calling the claim a hoax. "
    "Pope Francis has never endorsed Donald Trump, a Vatican spokesman said, and the story is false."
)

AGREEING_BODY = (
    "Pope Francis has endorsed Donald Trump for president, the Vatican confirmed on Sunday. "
    "In a statement released in Rome, the Pope said he backs Trump's campaign for the White House. "
    "The endorsement of Donald Trump by Pope Francis was announced officially after Mass. "
    "It is the first time a pope has endorsed a candidate for president of the United States."
)

UNRELATED_BODY = (
    "The city council approved a new budget for road repairs on Tuesday. "
    "Potholes on the main avenue will be filled before winter, the mayor's office said. "
    "Residents had complained for months about the state of the bridges and cycle lanes. "
    "Work is expected to start next month and last until the spring."
)

LYON = "The city of Lyon will ban cars from its historic centre next year"
LYON_CONFIRMS = ("Lyon will ban cars from its historic centre from next year, the city council confirmed on Monday. "
                 "The mayor said the ban on private cars in the old town had been approved by a large majority. "
                 "Delivery vans will still be allowed in the mornings. The measure takes effect in January.")
LYON_DENIES = ("Reports that Lyon will ban cars from its historic centre are false, the city council said on Monday. "
               "The mayor denied that any ban on private cars in the old town was planned and called the story a "
               "rumour. No such measure has been discussed, a spokesman said.")


@pytest.fixture(scope="module")
def model():
    return stance.load_model()


def test_artefact_is_small_and_documented():
    assert stance.DEFAULT_MODEL.exists()
    assert stance.DEFAULT_MODEL.stat().st_size < 8_000_000
    readme = (stance.DATA_DIR / "README.md").read_text()
    assert "scripts/train_stance.py" in readme


def test_sentences_and_lexicons():
    assert stance.split_sentences("He left. She stayed!\nThen rain.") == ["He left.", "She stayed!", "Then rain."]
    counts = dict(zip(stance.LEXICONS, stance.lexicon_counts(stance.tokens("This is not true, a hoax, reportedly."))))
    assert counts["refuting"] >= 2 and counts["hedging"] >= 1 and counts["negation"] >= 1


def test_predict_hand_written_pairs_without_the_reader(model, monkeypatch):
    # The reader reads AGREEING_BODY as `disagree` (P 0.74): FNC-1's training claims include a debunked
    # story about Pope Francis, and a fine-tuned encoder remembers topics. The feature model alone does not.
    monkeypatch.setenv("STORYLENS_STANCE_READER", "off")
    pairs = [(CLAIM, UNRELATED_BODY), (CLAIM, REFUTING_BODY), (CLAIM, AGREEING_BODY)]
    assert stance.predict(pairs, model) == ["unrelated", "disagree", "agree"]


def test_predict_hand_written_pairs_with_the_reader(model):
    pairs = [(LYON, LYON_CONFIRMS), (LYON, LYON_DENIES), (LYON, UNRELATED_BODY)]
    assert stance.predict(pairs, model) == ["agree", "disagree", "unrelated"]


def test_predict_proba_rows(model):
    pairs = [(CLAIM, UNRELATED_BODY), (CLAIM, REFUTING_BODY)]
    P = stance.predict_proba(pairs, model)
    assert P.shape == (2, 4)
    np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-6)
    assert P[0, stance.LABELS.index("unrelated")] > 0.5
    assert P[1, stance.LABELS.index("disagree")] == P[1].max()


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize("with_stance", [True, False])
def test_cli_writes_fnc_columns(tmp_path, with_stance):
    from typer.testing import CliRunner

    from storylens.cli import app

    bodies, stances, out = tmp_path / "b.csv", tmp_path / "s.csv", tmp_path / "out" / "p.csv"
    _write_csv(bodies, ["Body ID", "articleBody"], [[7, REFUTING_BODY], [9, UNRELATED_BODY]])
    rows = [[CLAIM, 7], [CLAIM, 9], ["Road repairs approved in city budget", 9]]
    if with_stance:
        _write_csv(stances, ["Headline", "Body ID", "Stance"], [r + ["agree"] for r in rows])
    else:
        _write_csv(stances, ["Headline", "Body ID"], rows)
    res = CliRunner().invoke(app, ["stance", "--bodies", str(bodies), "--stances", str(stances), "--out", str(out)])
    assert res.exit_code == 0, res.output
    with open(out, newline="", encoding="utf-8") as f:
        got = list(csv.reader(f))
    assert got[0] == ["Headline", "Body ID", "Stance"]
    assert [g[:2] for g in got[1:]] == [[h, str(b)] for h, b in rows]
    assert got[1][2] == "disagree" and got[2][2] == "unrelated" and got[3][2] != "unrelated"


def test_claim_general_vocab_drops_words_of_one_claim():
    texts = ["the hoax about the meteor", "a hoax about the shark", "the hoax of the pope", "meteor crater"]
    groups = ["c1", "c2", "c3", "c1"]
    vocab = stance.claim_general_vocab(texts, groups, min_groups=3)
    assert {"hoax", "the"} <= vocab
    assert "meteor" not in vocab and "shark" not in vocab
    assert stance._VocabTokens(vocab)("The meteor hoax") == ["the", "hoax"]


def test_disagree_weight_changes_labels_not_probabilities():
    P = np.array([[0.30, 0.25, 0.40, 0.05], [0.10, 0.10, 0.10, 0.70]])
    plain = stance.StanceModel(vectorizer=None, idf={}, avg_len=1.0, stage1=None, stage2=None)
    boosted = stance.StanceModel(vectorizer=None, idf={}, avg_len=1.0, stage1=None, stage2=None,
                                 disagree_weight=2.0)
    assert plain.labels_from_proba(P) == ["discuss", "unrelated"]
    assert boosted.labels_from_proba(P) == ["disagree", "unrelated"]


def test_scores_reweighted_to_another_class_mix():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import train_stance as T

    gold = ["agree", "agree", "disagree", "discuss", "unrelated", "unrelated"]
    assert T.scores_from_confusion(T.confusion(gold, gold))[:2] == (1.0, 1.0)
    pred = ["agree", "discuss", "disagree", "discuss", "unrelated", "agree"]
    m = T.reweight(T.confusion(gold, pred), {"agree": 10, "disagree": 1, "discuss": 1, "unrelated": 100})
    assert m[0].tolist() == [5.0, 0.0, 5.0, 0.0] and m[3].tolist() == [50.0, 0.0, 0.0, 50.0]
    fnc, _, f1_dis = T.scores_from_confusion(m)
    # agree: 5 x 1.0 + 5 x 0.25; disagree, discuss: 1.0 each; unrelated: 50 x 0.25, of a best of 12 + 25
    assert abs(fnc - (6.25 + 2 + 12.5) / 37) < 1e-9 and f1_dis == 1.0


def test_claim_passage_is_the_lead_and_the_closest_sentences_in_order(model):
    body = (
        "Officials met in Geneva on Monday. "
        "The weather was mild and the streets were quiet. "
        "Trains ran on time across the country. "
        "A bakery opened on the corner of the square. "
        "The Vatican denied that Pope Francis had endorsed Donald Trump for president. "
        "Tourists queued at the museum in the afternoon."
    )
    (passage,) = stance.claim_passages([(CLAIM, body)], model.vectorizer)
    sents = stance.split_sentences(body)
    kept = [s for s in sents if s in passage]
    assert kept[0] == sents[0] and sents[4] in kept
    assert len(kept) <= stance.TOP_K + 1
    assert passage == " ".join(kept)   # the body's order, nothing else
    (wider,) = stance.claim_passages([(CLAIM, body)], model.vectorizer, spec=(2, 1))
    assert wider == " ".join([sents[0], sents[1], sents[4]])


def test_reader_reads_the_passage_it_was_trained_on():
    from storylens.compare import stance_reader

    reader = stance_reader.load_reader(str(stance_reader.DEFAULT_READER))
    # scripts/train_stance_reader.py writes the passage and token budget into the file's metadata
    meta = reader.session.get_modelmeta().custom_metadata_map
    assert reader.passage == (int(meta["passage_lead"]), int(meta["passage_closest"]))
    assert reader.max_tokens == int(meta["max_tokens"])


def test_reader_artefact_reads_pairs():
    from storylens.compare import stance_reader

    assert stance_reader.DEFAULT_READER.exists() and stance_reader.DEFAULT_READER.stat().st_size < 30_000_000
    assert "scripts/train_stance_reader.py" in (stance.DATA_DIR / "README.md").read_text()
    reader = stance_reader.load_reader(str(stance_reader.DEFAULT_READER))
    # on the Pope pairs the reader reads both bodies as `disagree` (a remembered topic: see
    # test_predict_hand_written_pairs_without_the_reader); on a topic FNC-1 does not hold it ranks them right
    P = reader.predict_proba([LYON, LYON], [LYON_DENIES, LYON_CONFIRMS])
    assert P.shape == (2, 3) and np.allclose(P.sum(1), 1.0)
    assert P[0, 1] > P[1, 1] and P[1, 0] > P[0, 0]   # the denial reads more as disagree, the confirmation as agree
    # a claim longer than the whole token budget still encodes (truncated on both sides)
    assert reader.predict_proba([CLAIM * 40], [REFUTING_BODY]).shape == (1, 3)


def test_reader_blends_into_stage_two_and_can_be_switched_off(model, monkeypatch):
    assert model.reader_weight > 0
    pairs = [(CLAIM, REFUTING_BODY), (CLAIM, UNRELATED_BODY)]
    with_reader = model.predict_proba(pairs)
    monkeypatch.setenv("STORYLENS_STANCE_READER", "off")
    assert model.reader() is None
    without = model.predict_proba(pairs)
    assert np.allclose(with_reader.sum(1), 1.0) and np.allclose(without.sum(1), 1.0)
    # P(unrelated) comes from stage 1 alone; the reader moves only the related classes of related pairs
    assert np.allclose(with_reader[:, 3], without[:, 3])
    assert not np.allclose(with_reader[0, :3], without[0, :3])
