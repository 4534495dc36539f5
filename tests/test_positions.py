"""Positions: holder, stance, condition/value, voice, span, issue grouping, timeline, store and CLI.

Every sentence here is invented for the test (names and places included).
"""
import json
import subprocess
import sys

import pytest

from storylens.model import Article, Position
from storylens.pipeline import process_articles


def _analyze(nlp, texts, dates=None, outlets=None):
    from storylens.link.actors import link_actors
    from storylens.positions import extract_positions

    arts = [Article(id=f"a{i}", source_path=f"a{i}.txt", text=t, outlet=(outlets or {}).get(i, f"Outlet {i}"),
                    published=(dates or {}).get(i)) for i, t in enumerate(texts)]
    docs = list(process_articles(arts, nlp=nlp))
    actors = link_actors(docs)
    return extract_positions(docs, actors), {a.id: a.text for a in arts}


def _one(ps, actor_part):
    hits = [p for p in ps if actor_part in p.actor_id]
    assert len(hits) == 1, [(p.actor_id, p.stance, p.text) for p in ps]
    return hits[0]


def test_ready_in_any_format_is_own_support_with_value(nlp):
    ps, texts = _analyze(nlp, ["Prime Minister Anna Kowal said she is ready to meet President Ivan Petrov in any format."])
    p = _one(ps, "kowal")
    assert p.stance == "supports" and p.value == "any format" and p.voice == "own"
    assert p.issue == "leaders meeting"
    assert texts[p.article_id][p.start:p.end] == p.text and "ready to meet" in p.text


def test_only_with_one_partner_is_conditional(nlp):
    ps, _ = _analyze(nlp, ["President Ivan Petrov will only negotiate with Chancellor Hans Weber, "
                           "not with Prime Minister Anna Kowal."])
    p = _one(ps, "petrov")
    assert p.stance == "conditional"
    assert p.value.startswith("only with") and "Weber" in p.value and "not with" in p.value


def test_ruling_out_troops_opposes(nlp):
    ps, _ = _analyze(nlp, ["Chancellor Hans Weber ruled out sending German troops to the region."])
    p = _one(ps, "weber")
    assert (p.stance, p.issue, p.voice) == ("opposes", "troops", "own")
    assert p.text.startswith("Chancellor Hans Weber ruled out")


def test_negated_rejection_supports(nlp):
    ps, _ = _analyze(nlp, ["President Ivan Petrov did not rule out a ceasefire."])
    p = _one(ps, "petrov")
    assert (p.stance, p.issue) == ("supports", "ceasefire")


def test_negation_counts_in_the_cues_clause_only(nlp):
    ps, _ = _analyze(nlp, ["Chancellor Hans Weber has no interest in a summit with President Ivan Petrov.",
                           "President Ivan Petrov has done little in public to show that he is willing to compromise."])
    assert [(p.actor_id, p.stance) for p in ps] == [("hans-weber", "opposes")]
    ps, _ = _analyze(nlp, ["Chancellor Hans Weber left the talks without agreeing to a ceasefire."])
    assert [(p.actor_id, p.stance, p.issue) for p in ps] == [("hans-weber", "opposes", "ceasefire")]


def test_if_clause_makes_condition_the_value(nlp):
    ps, _ = _analyze(nlp, ["Prime Minister Anna Kowal said she would accept a ceasefire if the border guards withdraw."])
    p = _one(ps, "kowal")
    assert p.stance == "conditional" and p.value == "if the border guards withdraw"


def test_attributed_by_others_is_reported_by_them(nlp):
    ps, _ = _analyze(nlp, ["According to diplomats, Chancellor Hans Weber has called for new sanctions against the regime."])
    p = _one(ps, "weber")
    assert (p.stance, p.issue, p.voice, p.reported_by) == ("supports", "sanctions", "reported", "diplomats")


def test_we_in_a_quote_is_the_speaker_and_a_place_is_the_value(nlp):
    ps, _ = _analyze(nlp, ["“We are ready for talks in Geneva,” Prime Minister Anna Kowal said."])
    p = _one(ps, "kowal")
    assert (p.stance, p.value, p.voice) == ("supports", "Geneva", "own")


def test_outlet_characterisation_is_reported_by_the_outlet(nlp):
    ps, _ = _analyze(nlp, ["President Ivan Petrov's refusal to discuss the border has stalled the process."],
                     outlets={0: "Border Gazette"})
    p = _one(ps, "petrov")
    assert (p.stance, p.voice, p.reported_by) == ("opposes", "reported", "Border Gazette")


def test_requirement_on_a_thing_is_a_condition_and_we_must_is_the_speakers(nlp):
    ps, _ = _analyze(nlp, ["Chancellor Hans Weber said that any border deal must include the return of the ferries.",
                           "“We have to reopen the crossings,” Prime Minister Anna Kowal said."])
    weber, kowal = _one(ps, "weber"), _one(ps, "kowal")
    assert weber.stance == "conditional" and weber.value == "include the return of the ferries"
    assert (kowal.stance, kowal.voice) == ("supports", "own") and "reopen the crossings" in kowal.text


def test_predictions_and_turns_of_speech_are_no_positions(nlp):
    ps, _ = _analyze(nlp, ["Analyst Rita Moss said the new bridge should boost trade in the valley.",
                           "“I must tell you that the bridge was closed when we arrived,” Chancellor Hans Weber said."])
    assert ps == []


def test_sentence_without_a_stance_gives_nothing(nlp):
    ps, _ = _analyze(nlp, ["Chancellor Hans Weber flew to the capital on Monday and met farmers."])
    assert ps == []


def test_different_wordings_share_one_issue(nlp):
    ps, _ = _analyze(nlp, ["Prime Minister Anna Kowal is ready to sit down face to face with President Ivan Petrov.",
                           "Chancellor Hans Weber called for a summit between President Ivan Petrov and Anna Kowal."])
    assert len({p.issue for p in ps}) == 1 and len(ps) == 2


def test_unlisted_issue_gets_a_key_noun_name(nlp):
    ps, _ = _analyze(nlp, ["Governor Maria Lopez rejected the proposed water tax.",
                           "Mayor Tom Reed said he supports the water tax."])
    assert len(ps) == 2 and ps[0].issue == ps[1].issue and "tax" in ps[0].issue
    assert {p.stance for p in ps} == {"supports", "opposes"}


def _pos(pid, stance, date, outlet, article):
    return Position(id=pid, actor_id="x", issue="troops", stance=stance, article_id=article, start=0, end=5,
                    text="t", date=date, outlet=outlet)


def test_shift_and_conflict_are_marked_with_both_spans():
    from storylens.positions.timeline import all_conflicts, all_shifts

    ps = [_pos("1", "supports", "2025-01-10", "A", "a1"), _pos("2", "conditional", "2025-02-01", "A", "a2"),
          _pos("3", "opposes", "2025-02-02", "B", "a3")]
    sh = all_shifts(ps)
    assert [(s["from"], s["to"]) for s in sh] == [("supports", "conditional"), ("conditional", "opposes")]
    assert sh[0]["before"]["position_id"] == "1" and sh[0]["after"]["position_id"] == "2"
    # conditional vs opposes a day apart is a nuance, not a conflict; supports vs opposes the same week is
    assert all_conflicts(ps) == []
    ps.append(_pos("4", "supports", "2025-02-03", "C", "a4"))
    cf = all_conflicts(ps)
    assert len(cf) == 1 and {cf[0]["a"]["outlet"], cf[0]["b"]["outlet"]} == {"B", "C"}
    # the same outlet changing its wording, or a month apart, is no conflict
    assert all_conflicts([_pos("5", "supports", "2025-01-01", "A", "a5"), _pos("6", "opposes", "2025-01-01", "A", "a6"),
                          _pos("7", "opposes", "2025-03-01", "B", "a7")]) == []


def test_analyze_exports_stores_and_lists_positions(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "one.txt").write_text(
        "Weber rejects troop plan\n\nChancellor Hans Weber ruled out sending German troops to the border region on "
        "Monday, a day after the talks in the capital ended without a result. The opposition said the decision left "
        "the region exposed, while officials in the ministry said more money would go to the border police instead. "
        "Farmers protested in the capital against the closing of the crossings, which they say has cut their trade.\n",
        encoding="utf-8")
    (src / "two.txt").write_text(
        "Kowal open to summit\n\nOn Tuesday, Prime Minister Anna Kowal said she is ready to meet President Ivan Petrov in any "
        "format, as pressure grows on both governments to end the dispute over the border crossings. Her office gave "
        "no date for a meeting. Officials in both capitals have exchanged letters for weeks without agreeing on an "
        "agenda, and traders on both sides of the border have lost most of their business since the spring.\n",
        encoding="utf-8")
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "storylens.cli"]
    r = subprocess.run(cli + ["analyze", str(src), "--out", str(out), "--no-progress", "--no-report"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    an = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    fields = {"id", "actor_id", "issue", "stance", "value", "article_id", "start", "end", "text", "date", "voice",
              "reported_by"}
    assert an["positions"] and all(fields <= set(p) for p in an["positions"])
    texts = {a["id"]: a["text"] for a in an["articles"]}
    for p in an["positions"]:
        assert texts[p["article_id"]][p["start"]:p["end"]] == p["text"]
    assert any(p["actor_id"] == "hans-weber" and p["stance"] == "opposes" for p in an["positions"])
    r = subprocess.run(cli + ["positions", "--db", str(out / "storylens.sqlite"), "--actor", "weber", "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows and all(x["actor_id"] == "hans-weber" for x in rows) and rows[0]["issue"] == "troops"
    r = subprocess.run(cli + ["positions", "--db", str(out / "storylens.sqlite"), "--issue", "no such issue"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no positions" in r.stderr


def test_issue_clusters_are_average_link_and_bounded():
    import numpy as np
    from storylens.positions.issues import _clusters

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 16))
    vecs = np.vstack([c + 0.15 * rng.normal(size=(30, 16)) for c in centres])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    order = rng.permutation(len(vecs))
    vecs = vecs[order].astype(np.float32)
    truth = (order // 30).tolist()

    def as_sets(groups):
        return sorted(sorted(truth[i] for i in g) for g in groups)

    full = _clusters(vecs, 0.55)
    assert as_sets(full) == [[k] * 30 for k in range(4)]
    # past the limit, later phrases join the group they are closest to
    bounded = _clusters(vecs, 0.55, limit=40)
    assert sorted(i for g in bounded for i in g) == list(range(len(vecs)))
    assert all(len({truth[i] for i in g}) == 1 for g in bounded)
