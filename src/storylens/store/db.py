"""The embedded SQLite store.

Articles and their per-article annotations are the primary data; actors, quotes,
events, stories, claims and framing are derived from them by the cross-article
stages and rewritten as a whole, in one transaction, at the end of each run. A run
killed mid-way therefore leaves either the old or the new derived tables, never a mix.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from ..model import (
    Actor, Analysis, Article, Claim, ClaimStance, Contradiction, CoverageGap, Document,
    Event, Framing, Mention, Position, Quote, Removed, Story, SummarySentence, Topic, from_dict, to_dict,
)

# Version of the table layout below, kept in PRAGMA user_version and the meta table. Foreign keys are
# declared for other tools (Datasette links rows through them) but not enforced: the derived tables are
# rewritten as a whole, in one transaction.
DB_SCHEMA_VERSION = 1

SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL, finished REAL, command TEXT,
  read INTEGER DEFAULT 0, stored INTEGER DEFAULT 0, duplicates INTEGER DEFAULT 0,
  skipped INTEGER DEFAULT 0, status TEXT DEFAULT 'running');
CREATE TABLE IF NOT EXISTS run_log (
  run_id INTEGER REFERENCES runs(id), source_path TEXT, level TEXT, reason TEXT, at REAL);
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, content_hash TEXT UNIQUE, source_path TEXT, record TEXT, kind TEXT,
  url TEXT, title TEXT, outlet TEXT, author TEXT, published TEXT,
  text TEXT, raw TEXT, removed TEXT, duplicate_of TEXT, run_id INTEGER);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source_path);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE TABLE IF NOT EXISTS annotations (
  article_id TEXT PRIMARY KEY REFERENCES articles(id), doc TEXT);
CREATE TABLE IF NOT EXISTS actors (
  id TEXT PRIMARY KEY, name TEXT, type TEXT, aliases TEXT, roles TEXT, country TEXT, code TEXT,
  warnings TEXT, n_mentions INTEGER);
CREATE TABLE IF NOT EXISTS mentions (
  actor_id TEXT REFERENCES actors(id), article_id TEXT REFERENCES articles(id), start INTEGER, "end" INTEGER, text TEXT, kind TEXT);
CREATE INDEX IF NOT EXISTS mentions_actor ON mentions(actor_id);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE TABLE IF NOT EXISTS quotes (
  id TEXT PRIMARY KEY, article_id TEXT REFERENCES articles(id), text TEXT, kind TEXT, start INTEGER, "end" INTEGER,
  speaker TEXT REFERENCES actors(id), speaker_text TEXT, speaker_start INTEGER, speaker_end INTEGER, cue TEXT, sentence TEXT);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, article_id TEXT, sentence TEXT, start INTEGER, "end" INTEGER, type TEXT,
  cameo TEXT, mode TEXT, source TEXT, target TEXT, source_text TEXT, target_text TEXT, trigger TEXT,
  location TEXT, date TEXT, date_text TEXT, reported_by TEXT, confidence REAL,
  source_entity TEXT, target_entity TEXT, source_code TEXT, target_code TEXT, source_country TEXT,
  target_country TEXT);
CREATE TABLE IF NOT EXISTS topics (id TEXT PRIMARY KEY, title TEXT, story_ids TEXT, article_ids TEXT);
CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, title TEXT, summary TEXT, topic TEXT REFERENCES topics(id));
CREATE TABLE IF NOT EXISTS story_articles (
  story_id TEXT REFERENCES stories(id), article_id TEXT PRIMARY KEY REFERENCES articles(id));
CREATE TABLE IF NOT EXISTS claims (
  id TEXT PRIMARY KEY, story_id TEXT REFERENCES stories(id), text TEXT, article_id TEXT REFERENCES articles(id),
  start INTEGER, "end" INTEGER, actors TEXT, outlets TEXT, stances TEXT);
CREATE TABLE IF NOT EXISTS contradictions (
  claim_id TEXT REFERENCES claims(id), story_id TEXT REFERENCES stories(id), a TEXT, b TEXT, score REAL, reason TEXT);
CREATE TABLE IF NOT EXISTS framing (
  story_id TEXT REFERENCES stories(id), article_id TEXT REFERENCES articles(id),
  actor_id TEXT REFERENCES actors(id), outlet TEXT, responsibility REAL, tone REAL,
  loaded_terms TEXT, evidence TEXT);
CREATE TABLE IF NOT EXISTS coverage_gaps (
  story_id TEXT REFERENCES stories(id), claim_id TEXT REFERENCES claims(id), text TEXT, outlets TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS positions (
  id TEXT PRIMARY KEY, actor_id TEXT, issue TEXT, stance TEXT, article_id TEXT, start INTEGER, "end" INTEGER,
  text TEXT, value TEXT, date TEXT, voice TEXT, reported_by TEXT, object TEXT, cue TEXT, outlet TEXT);
-- small key/value state kept across runs (e.g. story centroids for stable incremental assignment)
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
-- schema_version of the layout (also PRAGMA user_version), storylens_version that last wrote the file
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(article_id UNINDEXED, title, text);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(quote_id UNINDEXED, article_id UNINDEXED, text, speaker_text);
-- the near-duplicate index: one row per (LSH band, bucket) and article, and each article's MinHash signature
CREATE TABLE IF NOT EXISTS lsh_bands (band INTEGER, key INTEGER, article_id TEXT);
CREATE INDEX IF NOT EXISTS lsh_bands_key ON lsh_bands(band, key);
CREATE INDEX IF NOT EXISTS lsh_bands_article ON lsh_bands(article_id);
CREATE TABLE IF NOT EXISTS lsh_sigs (article_id TEXT PRIMARY KEY, sig BLOB, size INTEGER);
-- sentence embeddings computed once per (model, text), read back by the cross-article stages
CREATE TABLE IF NOT EXISTS embeddings (key BLOB PRIMARY KEY, vec BLOB);
-- sentence parses (storylens.text.parses) made once per (spaCy model, text), read back by the
-- cross-article stages instead of parsing the sentence again
CREATE TABLE IF NOT EXISTS parses (key BLOB PRIMARY KEY, data BLOB);
"""

# Columns added after the first release; an older database gets them on open.
_MIGRATIONS = {
    "runs": {"pid": "INTEGER", "host": "TEXT"},
    "articles": {"superseded_by": "TEXT", "language": "TEXT"},
    "events": {c: "TEXT" for c in ("source_entity", "target_entity", "reported_by_entity", "source_code",
                                   "target_code", "source_country", "target_country")},
    "quotes": {"speaker_entity": "TEXT", "speaker_entities": "TEXT", "speakers": "TEXT"},
    "stories": {"topic": "TEXT"},
}
# A second writer waits this long (busy_timeout) per attempt, and gives up only after every attempt.
BUSY_TIMEOUT_S = 30.0
WRITE_ATTEMPTS = 10
_ARTICLE_COLS = ("id", "content_hash", "source_path", "record", "kind", "url", "title", "outlet", "author",
                 "published", "text", "raw", "removed", "duplicate_of", "run_id", "superseded_by", "language")


def _busy(exc: Exception) -> bool:
    msg = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


def retrying(fn: Callable, attempts: int = WRITE_ATTEMPTS):
    """Run ``fn`` again when SQLite says the database is locked (another writer held it past the timeout)."""
    for i in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or i == attempts - 1:
                raise
            time.sleep(min(2.0, 0.1 * 2 ** i))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

_JSON_COLS = {"removed", "aliases", "roles", "warnings", "summary", "actors", "outlets", "stances",
              "a", "b", "loaded_terms", "evidence", "speaker_entities", "speakers", "story_ids", "article_ids"}


def _dumps(v) -> str:
    return json.dumps(to_dict(v), ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        if readonly:
            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # autocommit: every write is an explicit BEGIN IMMEDIATE transaction or a single statement,
            # so a second writer waits for the lock (busy_timeout) instead of failing half-way
            self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_S,
                                        isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            retrying(lambda: self.conn.executescript(SCHEMA))
            retrying(self._migrate)
            retrying(self._stamp_version)
        self.conn.row_factory = sqlite3.Row
        self._lsh_ids: set[str] | None = None

    def _migrate(self) -> None:
        for table, cols in _MIGRATIONS.items():
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
            for col, typ in cols.items():
                if col not in have:
                    try:
                        self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {col} {typ}")
                    except sqlite3.OperationalError as exc:
                        # another process opening the same new file added it between our look and our change
                        if "duplicate column" not in str(exc):
                            raise

    def _stamp_version(self):
        from .. import __version__

        # 0 is a new file (or one from before versioning, whose layout this one only adds to);
        # a file already stamped keeps its number until a migration raises it.
        version = self.conn.execute("PRAGMA user_version").fetchone()[0] or DB_SCHEMA_VERSION
        self.conn.execute(f"PRAGMA user_version = {int(version)}")
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                              [("schema_version", str(version)), ("storylens_version", __version__)])

    def close(self):
        self.conn.close()

    @contextmanager
    def transaction(self):
        """One write transaction; the write lock is taken up front (waiting for another writer)."""
        retrying(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _write(self, sql: str, args: Sequence = ()):
        return retrying(lambda: self.conn.execute(sql, args))

    # ---- runs -------------------------------------------------------------
    def start_run(self, command: str) -> int:
        self.mark_interrupted_runs()
        cur = self._write("INSERT INTO runs(started, command, pid, host) VALUES (?, ?, ?, ?)",
                          (time.time(), command, os.getpid(), socket.gethostname()))
        return cur.lastrowid

    def mark_interrupted_runs(self) -> int:
        """Runs still 'running' whose process is gone (killed, machine rebooted) become 'interrupted'."""
        host = socket.gethostname()
        gone = [r["id"] for r in self.conn.execute("SELECT id, pid, host FROM runs WHERE status='running'")
                if r["pid"] is None or (r["host"] == host and not _pid_alive(r["pid"]))]
        for rid in gone:
            self._write("UPDATE runs SET status='interrupted' WHERE id=? AND status='running'", (rid,))
        return len(gone)

    def log(self, run_id: int, source_path: str, reason: str, level: str = "skipped"):
        self._write("INSERT INTO run_log VALUES (?, ?, ?, ?, ?)", (run_id, source_path, level, reason, time.time()))

    def finish_run(self, run_id: int, *, read: int, stored: int, duplicates: int, skipped: int, status: str = "done"):
        self._write("UPDATE runs SET finished=?, read=?, stored=?, duplicates=?, skipped=?, status=? WHERE id=?",
                    (time.time(), read, stored, duplicates, skipped, status, run_id))

    def runs(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM runs ORDER BY id")]

    def run_log(self, run_id: int | None = None) -> list[dict]:
        q = "SELECT * FROM run_log" + (" WHERE run_id=?" if run_id is not None else "") + " ORDER BY at"
        return [dict(r) for r in self.conn.execute(q, (run_id,) if run_id is not None else ())]

    # ---- articles ---------------------------------------------------------
    def has_hash(self, content_hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE content_hash=?", (content_hash,)).fetchone() is not None

    def find_by_hash(self, content_hash: str):
        r = self.conn.execute("SELECT id, source_path, record, url FROM articles WHERE content_hash=?",
                              (content_hash,)).fetchone()
        return dict(r) if r else None

    def find_by_url(self, url: str):
        """The current version of the article at this URL (not a copy, not superseded), if any."""
        r = self.conn.execute("SELECT id, source_path, record, url FROM articles WHERE url=? AND duplicate_of IS NULL "
                              "AND superseded_by IS NULL ORDER BY rowid DESC LIMIT 1", (url,)).fetchone()
        return dict(r) if r else None

    def mark_superseded(self, old_id: str, new_id: str) -> None:
        self._write("UPDATE articles SET superseded_by=? WHERE id=?", (new_id, old_id))

    def add_documents(self, docs: Iterable[Document], run_id: int | None = None) -> int:
        """Store articles with their per-article annotations in one transaction (one batch)."""
        n = 0
        with self.transaction() as c:
            for doc in docs:
                a = doc.article
                cur = c.execute(
                    f"INSERT OR IGNORE INTO articles({', '.join(_ARTICLE_COLS)}) VALUES ({', '.join('?' * len(_ARTICLE_COLS))})",
                    (a.id, a.content_hash, a.source_path, a.record, a.kind, a.url, a.title, a.outlet, a.author,
                     a.published, a.text, a.raw, _dumps(a.removed), a.duplicate_of, run_id, a.superseded_by,
                     getattr(a, "language", None)))
                if cur.rowcount == 0:
                    continue
                n += 1
                c.execute("INSERT OR REPLACE INTO annotations VALUES (?, ?)", (a.id, json.dumps(_doc_payload(doc), ensure_ascii=False)))
                c.execute("INSERT INTO articles_fts VALUES (?, ?, ?)", (a.id, a.title or "", a.text))
        return n

    def articles(self, include_duplicates: bool = True) -> list[Article]:
        q = "SELECT * FROM articles" + ("" if include_duplicates else " WHERE duplicate_of IS NULL") + " ORDER BY source_path, record, id"
        return [_row_article(r) for r in self.conn.execute(q)]

    def article(self, article_id: str) -> Article | None:
        r = self.conn.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        return _row_article(r) if r else None

    def iter_documents(self, include_duplicates: bool = False, raw: bool = True) -> Iterator[Document]:
        """Articles with their stored per-article annotations (local entity ids).

        With ``raw=False`` the articles come without ``raw`` (the text before cleaning, which no
        cross-article stage reads and which can be a whole HTML page). The strings the annotations
        repeat (the article id in every item, a quote's or event's sentence, short labels and entity
        ids) are shared, not one copy per item: a whole store is held at once by the cross-article
        stages, and those copies were half the size of its annotations."""
        cols = "a.*" if raw else ", ".join(f"a.{c}" for c in _ARTICLE_COLS if c != "raw")
        q = (f"SELECT {cols}, n.doc AS doc FROM articles a LEFT JOIN annotations n ON n.article_id=a.id"
             + ("" if include_duplicates else " WHERE a.duplicate_of IS NULL AND a.superseded_by IS NULL")
             + " ORDER BY a.source_path, a.record, a.id")
        for r in self.conn.execute(q):
            payload = json.loads(r["doc"]) if r["doc"] else {}
            article = _row_article(r)
            _share_strings(payload, article.id)
            payload["article"] = None
            doc = from_dict(Document, payload)
            doc.article = article
            yield doc

    def minhash_corpus(self) -> Iterator[tuple[str, str]]:
        for r in self.conn.execute("SELECT id, text FROM articles WHERE duplicate_of IS NULL AND superseded_by IS NULL"):
            yield r["id"], r["text"]

    # ---- near-duplicate index (storylens.clean.dedupe) ---------------------
    def lsh_backfill(self, signature_of: Callable[[str], tuple]) -> int:
        """Index the current articles the index lacks (older databases, a run killed before indexing)."""
        q = ("SELECT a.id, a.text FROM articles a WHERE a.duplicate_of IS NULL AND a.superseded_by IS NULL "
             "AND NOT EXISTS (SELECT 1 FROM lsh_sigs s WHERE s.article_id=a.id)")
        todo = [(r["id"], r["text"]) for r in self.conn.execute(q)]
        for i in range(0, len(todo), 500):
            self.lsh_add([(aid, *signature_of(text)) for aid, text in todo[i:i + 500]])
        return len(todo)

    def lsh_add(self, rows: Iterable[tuple[str, np.ndarray, int, list]]) -> None:
        rows = list(rows)
        with self.transaction() as c:
            for aid, sig, size, keys in rows:
                if c.execute("SELECT 1 FROM lsh_sigs WHERE article_id=?", (aid,)).fetchone():
                    continue
                c.execute("INSERT INTO lsh_sigs VALUES (?, ?, ?)", (aid, sig.astype("<u8").tobytes(), size))
                c.executemany("INSERT INTO lsh_bands VALUES (?, ?, ?)", [(b, k, aid) for b, k in keys])

    def lsh_remove(self, article_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM lsh_sigs WHERE article_id=?", (article_id,))
            c.execute("DELETE FROM lsh_bands WHERE article_id=?", (article_id,))

    def lsh_has(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM lsh_sigs WHERE article_id=?", (article_id,)).fetchone() is not None

    def lsh_candidates(self, keys: list[tuple[int, int]]) -> Iterator[tuple[str, np.ndarray, int]]:
        """Articles sharing at least one LSH bucket with `keys`, with their signatures."""
        if not keys:
            return
        values = ",".join("(?, ?)" for _ in keys)
        q = (f"WITH k(band, key) AS (VALUES {values}) SELECT s.article_id, s.sig, s.size FROM lsh_sigs s "
             f"WHERE s.article_id IN (SELECT b.article_id FROM lsh_bands b JOIN k ON b.band=k.band AND b.key=k.key)")
        for r in self.conn.execute(q, [x for kv in keys for x in kv]):
            yield r["article_id"], np.frombuffer(r["sig"], dtype="<u8").astype(np.uint64), r["size"]

    # ---- embeddings (storylens.embeddings) ------------------------------
    def embedding_cache(self, config=None) -> "EmbeddingCache":
        model = (getattr(config, "embed_model", None) or "packaged-minilm") if config is not None else "packaged-minilm"
        return EmbeddingCache(self, model)

    def parse_cache(self, config=None) -> "ParseCache":
        return ParseCache(self, getattr(config, "spacy_model", None) or "default")

    # ---- state ------------------------------------------------------------
    def get_state(self, key: str, default=None):
        # a value saved as a BLOB (_write_state) comes back as text, as one saved as text does: one copy,
        # not its bytes and then the text decoded from them
        r = self.conn.execute("SELECT CAST(value AS TEXT) AS value FROM state WHERE key=?", (key,)).fetchone()
        return json.loads(r["value"]) if r else default

    # ---- derived analysis -------------------------------------------------
    def replace_analysis(self, an: Analysis, state: dict | None = None):
        """Rewrite every derived table at once; `state` entries are saved in the same transaction."""
        with self.transaction() as c:
            for t in ("actors", "mentions", "quotes", "events", "stories", "story_articles", "claims",
                      "contradictions", "framing", "coverage_gaps", "quotes_fts", "positions", "topics"):
                c.execute(f"DELETE FROM {t}")
            for ac in an.actors:
                c.execute("INSERT INTO actors VALUES (?,?,?,?,?,?,?,?,?)",
                          (ac.id, ac.name, ac.type, _dumps(ac.aliases), _dumps(ac.roles), ac.country, ac.code,
                           _dumps(ac.warnings), len(ac.mentions)))
                c.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?)",
                              [(ac.id, m.article_id, m.start, m.end, m.text, m.kind) for m in ac.mentions])
            _insert_all(c, "quotes", Quote, an.quotes)
            c.executemany("INSERT INTO quotes_fts VALUES (?,?,?,?)",
                          ((q.id, q.article_id, q.text, q.speaker_text or "") for q in an.quotes))
            _insert_all(c, "events", Event, an.events)
            _insert_all(c, "topics", Topic, an.topics)
            for s in an.stories:
                c.execute("INSERT INTO stories (id, title, summary, topic) VALUES (?,?,?,?)",
                          (s.id, s.title, _dumps(s.summary), s.topic))
                c.executemany("INSERT OR REPLACE INTO story_articles VALUES (?,?)", [(s.id, a) for a in s.article_ids])
            for cl in an.claims:
                c.execute("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?)",
                          (cl.id, cl.story_id, cl.text, cl.article_id, cl.start, cl.end, _dumps(cl.actors),
                           _dumps(cl.outlets), _dumps(cl.stances)))
            for x in an.contradictions:
                c.execute("INSERT INTO contradictions VALUES (?,?,?,?,?,?)",
                          (x.claim_id, x.story_id, _dumps(x.a), _dumps(x.b), x.score, x.reason))
            for f in an.framing:
                c.execute("INSERT INTO framing VALUES (?,?,?,?,?,?,?,?)",
                          (f.story_id, f.article_id, f.actor_id, f.outlet, f.responsibility, f.tone,
                           _dumps(f.loaded_terms), _dumps(f.evidence)))
            for g in an.coverage_gaps:
                c.execute("INSERT INTO coverage_gaps VALUES (?,?,?,?,?)", (g.story_id, g.claim_id, g.text, _dumps(g.outlets), g.reason))
            _insert_all(c, "positions", Position, an.positions)
            for k, v in (state or {}).items():
                _write_state(c, k, v)

    def load_analysis(self) -> Analysis:
        """The whole stored analysis as dataclasses (what analysis.json holds)."""
        rows = lambda q: [dict(r) for r in self.conn.execute(q)]  # noqa: E731
        an = Analysis(articles=self.articles())
        mentions: dict[str, list[Mention]] = {}
        for m in rows('SELECT * FROM mentions ORDER BY article_id, start'):
            mentions.setdefault(m.pop("actor_id"), []).append(Mention(**m))
        for r in rows("SELECT * FROM actors ORDER BY n_mentions DESC, id"):
            r.pop("n_mentions")
            r = _loads_cols(r)
            an.actors.append(Actor(mentions=mentions.get(r["id"], []), **r))
        an.quotes = [Quote(**_loads_cols(r)) for r in rows("SELECT * FROM quotes ORDER BY article_id, start")]
        an.events = [Event(**r) for r in rows("SELECT * FROM events ORDER BY article_id, start")]
        an.topics = [Topic(**_loads_cols(r)) for r in rows("SELECT * FROM topics ORDER BY CAST(substr(id, 2) AS INTEGER), id")]
        members: dict[str, list[str]] = {}
        for r in rows("SELECT * FROM story_articles ORDER BY article_id"):
            members.setdefault(r["story_id"], []).append(r["article_id"])
        for r in rows("SELECT * FROM stories ORDER BY CAST(substr(id, 2) AS INTEGER), id"):
            r = _loads_cols(r)
            an.stories.append(Story(id=r["id"], title=r["title"], article_ids=members.get(r["id"], []),
                                    summary=[SummarySentence(**s) for s in r["summary"]], topic=r.get("topic")))
        for r in rows("SELECT * FROM claims ORDER BY story_id, id"):
            r = _loads_cols(r)
            r["stances"] = [ClaimStance(**s) for s in r["stances"]]
            an.claims.append(Claim(**r))
        for r in rows("SELECT * FROM contradictions"):
            r = _loads_cols(r)
            an.contradictions.append(Contradiction(claim_id=r["claim_id"], story_id=r["story_id"], a=ClaimStance(**r["a"]),
                                                   b=ClaimStance(**r["b"]), score=r["score"], reason=r["reason"]))
        for r in rows("SELECT * FROM framing ORDER BY story_id, actor_id, article_id"):
            r = _loads_cols(r)
            an.framing.append(from_dict(Framing, r))
        for r in rows("SELECT * FROM coverage_gaps"):
            an.coverage_gaps.append(CoverageGap(**_loads_cols(r)))
        # a database written before positions existed, opened read-only, has no such table
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name='positions'").fetchone():
            an.positions = [from_dict(Position, r) for r in rows("SELECT * FROM positions ORDER BY article_id, start, id")]
        return an


class _TextCache:
    """Values kept in the store under (model, text): made once, read on every later run."""
    table = ""
    column = ""

    def __init__(self, store: Store, model: str):
        self.store = store
        self.model = model

    def _key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.model}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def _rows(self, texts: Sequence[str], columns: str) -> Iterator[tuple[str, object]]:
        """(text, row) for each of the texts that is stored, read in chunks of 500 keys."""
        keys = {self._key(t): t for t in set(texts)}
        items = list(keys)
        for i in range(0, len(items), 500):
            chunk = items[i:i + 500]
            q = f"SELECT {columns} FROM {self.table} WHERE key IN ({','.join('?' * len(chunk))})"
            for r in self.store.conn.execute(q, chunk):
                yield keys[bytes(r["key"])], r

    def get_many(self, texts: Sequence[str]) -> dict[str, bytes]:
        return {t: bytes(r[self.column]) for t, r in self._rows(texts, f"key, {self.column}")}

    def have_many(self, texts: Sequence[str]) -> set[str]:
        """The texts whose value is stored (none of them read)."""
        return {t for t, _ in self._rows(texts, "key")}

    def put_many(self, values: dict[str, bytes]) -> None:
        if not values:
            return
        with self.store.transaction() as c:
            c.executemany(f"INSERT OR IGNORE INTO {self.table} VALUES (?, ?)",
                          [(self._key(t), v) for t, v in values.items()])


class EmbeddingCache(_TextCache):
    """Sentence embeddings, keyed by (model, text). The narrow interface storylens/embeddings.py uses:
    ``get_many(texts) -> {text: vector}`` and ``put_many({text: vector})``."""
    table, column = "embeddings", "vec"

    def get_many(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return {t: np.frombuffer(v, dtype="<f4").astype(np.float32) for t, v in super().get_many(texts).items()}

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        super().put_many({t: np.asarray(v, dtype="<f4").tobytes() for t, v in vectors.items()})


class ParseCache(_TextCache):
    """Packed sentence parses (storylens.text.parses), keyed by (spaCy model, text)."""
    table, column = "parses", "data"


STATE_WRITE = 1 << 20    # bytes of a state value written to SQLite at a time


def _write_state(c, key: str, value) -> None:
    """Save one state entry as the JSON ``json.dumps`` makes (ASCII), streamed into a BLOB a megabyte at a
    time: the comparison's state (each story's claims, framing and summary) is tens of megabytes on a
    store of thousands of articles, and one string of it, with its UTF-8 copy for SQLite, was held twice
    while the analysis was saved. ``get_state`` reads text and BLOB values alike."""
    enc = json.JSONEncoder()
    size = sum(len(part) for part in enc.iterencode(value))   # ASCII: one byte per character
    c.execute("INSERT OR REPLACE INTO state VALUES (?, zeroblob(?))", (key, size))
    rowid = c.execute("SELECT rowid FROM state WHERE key=?", (key,)).fetchone()[0]
    with c.blobopen("state", "value", rowid) as blob:
        buf: list[str] = []
        n = 0
        for part in enc.iterencode(value):
            buf.append(part)
            n += len(part)
            if n >= STATE_WRITE:
                blob.write("".join(buf).encode("ascii"))
                buf, n = [], 0
        blob.write("".join(buf).encode("ascii"))


def _insert_all(c, table: str, cls, items) -> None:
    """Insert dataclass items by field name (lists and dicts as JSON), so a field added to the model
    needs only its column (see _MIGRATIONS), not an edit here."""
    cols = [f for f in cls.__dataclass_fields__ if not f.startswith("_")]
    sql = f"INSERT INTO {table} ({', '.join(chr(34) + k + chr(34) for k in cols)}) VALUES ({','.join('?' * len(cols))})"
    c.executemany(sql, (tuple(_dumps(v) if isinstance(v, (list, dict)) else v for v in (getattr(x, k) for k in cols))
                        for x in items))


def _loads_cols(r: dict) -> dict:
    return {k: (json.loads(v) if k in _JSON_COLS and isinstance(v, str) else v) for k, v in r.items()}


def _row_article(r) -> Article:
    keys = r.keys()
    d = {k: r[k] for k in ("id", "content_hash", "source_path", "record", "kind", "url", "title", "outlet", "author",
                           "published", "text", "raw", "duplicate_of", "superseded_by", "language") if k in keys}
    d["removed"] = [Removed(**x) for x in json.loads(r["removed"] or "[]")]
    return Article(**d)




def _doc_payload(doc: Document) -> dict:
    d = to_dict(doc)
    d.pop("article", None)
    return d


_SHORT = 24   # labels (kind, type, cue, mode, codes), entity ids, names: interned


def _share_strings(payload: dict, article_id: str) -> None:
    """Make the strings of one article's annotation payload share storage (see Store.iter_documents)."""
    from sys import intern

    sentences = {s["text"]: s["text"] for s in payload.get("sentences") or () if isinstance(s, dict)
                 and isinstance(s.get("text"), str)}

    def walk(x) -> None:
        items = x.items() if isinstance(x, dict) else enumerate(x)
        for k, v in items:
            if isinstance(v, str):
                if k == "article_id":
                    x[k] = article_id if v == article_id else v
                elif len(v) <= _SHORT:
                    x[k] = intern(v)
                else:
                    x[k] = sentences.get(v, v)
            elif isinstance(v, (dict, list)):
                walk(v)

    walk(payload)

