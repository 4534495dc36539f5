"""The stance reader: a fine-tuned MiniLM cross-encoder that reads a claim together with the part of a body
closest to it (:func:`storylens.compare.stance.claim_passage`) and says agree / disagree / discuss.

Features over words learn which debunking words the training claims used; a cross-encoder reads the claim
and the passage together, so "has repeatedly called for direct talks" can meet "refusal to engage". It runs
only on pairs the stance model already calls related, and its probabilities are blended with the model's own
stage 2 (``StanceModel.reader_weight``).

The artefact (``data/stance/reader.onnx``, int8) is trained by ``scripts/train_stance_reader.py`` from FNC-1
(start: the all-MiniLM-L6-v2 weights). It runs through onnxruntime with the product's tokenizer; no torch.
``STORYLENS_STANCE_READER`` points at another ONNX file with the same inputs, ``off`` disables the reader.
The file says which passage it was trained on (metadata ``passage_lead``, ``passage_closest``,
``max_tokens``; older files without them read 1 lead + 3 closest sentences, 192 tokens).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "stance"
DEFAULT_READER = DATA_DIR / "reader.onnx"
MAX_TOKENS = 192      # claim + passage (the passage is truncated first), unless the artefact says otherwise
BATCH_TOKENS = 2048   # padded tokens per session call: bounds the attention's working memory (8192: +330 MiB
# and 17% more CPU than 2048 on 500 pairs; int8 activations are scaled per call, so a pair's probabilities move
# by about 0.01 with the company it is batched in)
# (lead sentences, closest sentences) of the passage (stance.claim_passage) a file without metadata reads
PASSAGE = (1, 3)


def reader_path() -> Path | None:
    env = os.environ.get("STORYLENS_STANCE_READER", "").strip()
    if env.lower() == "off":
        return None
    p = Path(env) if env else DEFAULT_READER
    return p if p.exists() else None


def encode(tokenizer, heads: Sequence[str], passages: Sequence[str], max_tokens: int = MAX_TOKENS) -> list:
    """Pair encodings ([CLS] claim [SEP] passage [SEP]), unpadded; training and prediction share it."""
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens, strategy="only_second")
    try:
        return tokenizer.encode_batch(list(zip(heads, passages)))
    except Exception:
        # a claim longer than the whole budget cannot be cut from the passage alone
        tokenizer.enable_truncation(max_length=max_tokens, strategy="longest_first")
        return tokenizer.encode_batch(list(zip(heads, passages)))


class Reader:
    """The ONNX cross-encoder: (claims, passages) -> P(agree, disagree, discuss) rows."""

    def __init__(self, path: str | Path):
        from ..embeddings import _session, _tokenizer, default_tokenizer_path
        from tokenizers import Tokenizer

        self.session = _session(str(path))
        # a private tokenizer: its truncation differs from the shared encoder's
        self.tokenizer = Tokenizer.from_str(_tokenizer(default_tokenizer_path()).to_str())
        # what the artefact was trained to read (scripts/train_stance_reader.py writes it into the file)
        meta = self.session.get_modelmeta().custom_metadata_map
        self.passage = (int(meta.get("passage_lead", PASSAGE[0])), int(meta.get("passage_closest", PASSAGE[1])))
        self.max_tokens = int(meta.get("max_tokens", MAX_TOKENS))

    def predict_proba(self, heads: Sequence[str], passages: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(heads), 3), dtype=np.float64)
        if not len(heads):
            return out
        encs = encode(self.tokenizer, heads, passages, self.max_tokens)
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        s = 0
        while s < len(order):
            # rows of similar length (sorted), as many as fit the token budget once padded to the longest
            e = s + 1
            while e < len(order) and (e - s + 1) * len(encs[order[e]].ids) <= BATCH_TOKENS:
                e += 1
            rows = order[s:e]
            width = len(encs[rows[-1]].ids)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask, types = np.zeros_like(ids), np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encs[i].ids)
                ids[r, :n], mask[r, :n], types[r, :n] = encs[i].ids, encs[i].attention_mask, encs[i].type_ids
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": types})[0].astype(np.float64)
            logits -= logits.max(1, keepdims=True)
            p = np.exp(logits)
            out[rows] = p / p.sum(1, keepdims=True)
            s = e
        return out


@lru_cache(maxsize=4)
def load_reader(path: str) -> Reader:
    return Reader(path)
