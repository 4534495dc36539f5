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


def test_predict_hand_written_pairs(model):
    pairs = [(CLAIM, UNRELATED_BODY), (CLAIM, REFUTING_BODY), (CLAIM, AGREEING_BODY)]
    assert stance.predict(pairs, model) == ["unrelated", "disagree", "agree"]


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
