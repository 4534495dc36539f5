"""The trained part of the quote stage: three small linear models over parse features.

- ``cue``: is this token the head of an attribution cue ("said", "according", "wants",
  "called" in "called for", "believes")?
- ``role``: for a cue, what each of its dependents holds: the ``source``, the ``content``, or
  neither; the cue's own head is a candidate too (``…, he said`` reports the clause it hangs on).
- ``mark``: is this quotation an attribution's content, or a title, a scare quote, a phrase
  nobody is reported as saying?

They are trained by ``scripts/train_attribution.py`` on PolNeAR's training part and stored
as feature weights in ``data/quotes/attribution_model.npz`` (numpy only at run time, no
pickles). The feature functions live here so that training and use cannot drift apart.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from .quote_lexicon import DATA_DIR

ARTEFACT = DATA_DIR / "attribution_model.npz"
CUE_POS = ("VERB", "AUX", "NOUN", "ADJ")
HEAD = "<head>"


def cue_candidate(tok) -> bool:
    return tok.pos_ in CUE_POS or tok.lower_ == "according"


def _bucket(n: int) -> str:
    for limit in (1, 2, 3, 5, 8, 12, 20, 40):
        if n <= limit:
            return str(limit)
    return "many"


def _subject_of(tok):
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return c
    return None


def cue_features(tok, quoted: bool) -> list[str]:
    lemma = tok.lemma_.lower()
    doc = tok.doc
    f = [f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"ld={lemma}|{tok.dep_}",
         f"lt={lemma}|{tok.tag_}", f"hl={tok.head.lemma_.lower()}", f"hp={tok.head.pos_}", f"q={int(quoted)}"]
    deps = set()
    for c in tok.children:
        deps.add(c.dep_)
        if c.dep_ == "prep" or c.dep_ == "prt":
            f.append(f"lprep={lemma}|{c.lower_}")
        if c.dep_ in ("ccomp", "xcomp"):
            mark = next((g.lower_ for g in c.children if g.dep_ in ("mark", "aux") and g.i < c.i), "")
            f.append(f"comp={c.dep_}|{mark}")
            f.append(f"lcomp={lemma}|{c.dep_}")
    for d in sorted(deps):
        f.append(f"c={d}")
        f.append(f"lc={lemma}|{d}")
    subj = _subject_of(tok)
    if subj is None:
        f.append("nosubj")
    else:
        f.append(f"sp={subj.pos_}|{subj.ent_type_}")
        if subj.pos_ == "PRON":
            f.append(f"spron={subj.lower_}")
        f.append(f"ls={lemma}|{subj.pos_}")
    if tok.i + 1 < len(doc):
        nxt = doc[tok.i + 1]
        f.append(f"n={nxt.lower_}")
        f.append(f"ln={lemma}|{nxt.lower_}")
    if tok.i > 0:
        f.append(f"b={doc[tok.i - 1].lower_}")
    return f


def role_candidates(cue) -> list:
    """Dependents of a cue that can hold its source or content, and its head for a cue that
    comments on the clause it hangs from."""
    out = [c for c in cue.children if not c.is_punct and not c.is_space]
    if cue.head is not cue and cue.dep_ in ("parataxis", "advcl", "ccomp", "conj", "relcl", "acl", "prep", "pcomp"):
        out.append(HEAD)
    return out


def role_features(cue, cand, quoted: bool) -> list[str]:
    lemma = cue.lemma_.lower()
    if cand is HEAD:
        h = cue.head
        return ["head", f"hd={cue.dep_}", f"hl={lemma}|{cue.dep_}", f"hp={h.pos_}",
                f"side={'L' if h.i < cue.i else 'R'}", f"q={int(quoted)}"]
    side = "L" if cand.i < cue.i else "R"
    sub = list(cand.subtree)
    first = sub[0]
    f = [f"d={cand.dep_}", f"p={cand.pos_}", f"side={side}", f"dside={cand.dep_}|{side}",
         f"cl={lemma}|{cand.dep_}", f"e={cand.ent_type_}", f"n={_bucket(len(sub))}",
         f"first={first.lower_ if first.pos_ in ('SCONJ', 'ADP', 'DET', 'PRON', 'PART') else first.pos_}",
         f"cd={cue.dep_}|{cand.dep_}", f"q={int(quoted)}"]
    if cand.pos_ in ("PRON", "ADP", "SCONJ", "PART", "ADV"):
        f.append(f"w={cand.lower_}")
        f.append(f"lw={lemma}|{cand.lower_}")
    if cand.dep_ == "prep":
        obj = next((g for g in cand.children if g.dep_ in ("pobj", "pcomp")), None)
        if obj is not None:
            f.append(f"pobj={obj.pos_}|{obj.ent_type_}")
    return f


def mark_features(text: str, toks, kind: str, info: dict) -> list[str]:
    """Features of a quotation; `info` holds what the rule pass saw around it."""
    words = [t for t in toks if not t.is_punct and not t.is_space]
    caps = sum(1 for t in words if t.text[:1].isupper())
    f = [f"kind={kind}", f"nw={_bucket(len(words))}", f"kn={kind}|{_bucket(len(words))}",
         f"verb={int(any(t.pos_ in ('VERB', 'AUX') for t in toks))}",
         f"caps={round(caps / len(words), 1) if words else 0}",
         f"cap1={int(bool(words) and words[0].text[:1].isupper())}"]
    for key in ("single", "unclosed", "own_sentence", "set_off", "closing_punct", "trailing", "inherited"):
        if info.get(key):
            f.append(key)
            f.append(f"{kind}|{key}")
    f.append(f"gov={info.get('gov') or '-'}")
    f.append(f"adj={info.get('adj') or '-'}")
    f.append(f"attr={int(bool(info.get('attr')))}|{kind}")
    f.append(f"bc={info.get('before_char') or '^'}")
    f.append(f"prev={info.get('prev_word') or '^'}")
    f.append(f"next={info.get('next_word') or '$'}")
    f.append(f"pn={info.get('prev_word') or '^'}|{len(words) <= 4}")
    end = text[info["start"]:info["close"]].rstrip("”»\"’' ")[-1:]
    f.append(f"endp={end if end in ',.!?;:—' else 'w'}")
    return f


class LinearModel:
    """Multinomial (or binary) logistic regression over string features."""

    def __init__(self, classes: list[str], vocab: dict[str, int], weights: np.ndarray, bias: np.ndarray):
        self.classes = classes
        self.vocab = vocab
        self.weights = weights
        self.bias = bias

    def proba(self, feats: list[str]) -> dict[str, float]:
        ids = [self.vocab[x] for x in feats if x in self.vocab]
        z = self.bias + (self.weights[ids].sum(axis=0) if ids else 0.0)
        if len(self.classes) == 2 and z.shape[0] == 1:
            p = 1.0 / (1.0 + math.exp(-float(z[0])))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        z = z - z.max()
        e = np.exp(z)
        e /= e.sum()
        return {c: float(v) for c, v in zip(self.classes, e)}


@lru_cache(maxsize=2)
def load_models(path: str | None = None) -> dict[str, LinearModel] | None:
    """The trained models, or None when the artefact is absent (the rules then work alone)."""
    p = Path(path) if path else ARTEFACT
    if not p.exists():
        return None
    data = np.load(p, allow_pickle=False)
    out = {}
    for name in ("cue", "role", "mark"):
        if f"{name}_vocab" not in data:
            continue
        vocab = {str(v): i for i, v in enumerate(data[f"{name}_vocab"])}
        out[name] = LinearModel([str(c) for c in data[f"{name}_classes"]], vocab,
                                data[f"{name}_W"].astype(np.float64), data[f"{name}_b"].astype(np.float64))
    out["cue_lemmas"] = frozenset(str(x) for x in data["cue_lemmas"]) if "cue_lemmas" in data else frozenset()
    out["thresholds"] = {str(k): float(v) for k, v in zip(data["threshold_names"], data["threshold_values"])} \
        if "threshold_names" in data else {}
    return out


def save_models(path: Path, models: dict, thresholds: dict[str, float], cue_lemmas: list[str]) -> None:
    arrays = {"cue_lemmas": np.array(sorted(cue_lemmas))}
    for name, (classes, vocab, W, b) in models.items():
        arrays[f"{name}_classes"] = np.array(classes)
        arrays[f"{name}_vocab"] = np.array(vocab)
        arrays[f"{name}_W"] = W.astype(np.float16)
        arrays[f"{name}_b"] = b.astype(np.float32)
    arrays["threshold_names"] = np.array(list(thresholds))
    arrays["threshold_values"] = np.array(list(thresholds.values()), dtype=np.float32)
    np.savez_compressed(path, **arrays)
