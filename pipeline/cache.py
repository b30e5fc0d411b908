"""The incremental cache: finished records of earlier runs, so a re-run only redoes what changed.

A record is a pure function of its input's bytes, the input's id and path, its sidecar date,
the effective configuration, the pipeline's own code, and the versions of the pipeline, its
stages and the packages that shape the output. The cache key is a hash of all of these; a
record is reused only when its key is unchanged, so a changed sidecar, setting, version or
line of code (`pipeline.fingerprint`, even with no version bumped) redoes the document.

The store is one SQLite file under the output folder (`.cache.sqlite`): it is not part of the
byte-identical output, and is disposable (a file SQLite cannot read is replaced). Only
successful records are stored. Failures are retried on every run: some are not a function of
the input (a time limit, memory, a file that vanished while listing), a re-run after fixing
the cause should retry them, and they are few and mostly fail early and cheaply.

Each stored record is committed at once, in WAL mode: a run killed at any point (kill -9)
leaves a consistent cache that holds every record finished before the kill.

Beside the records it keeps the template lines of the last batch (`pipeline.stages.strip.templates`)
under a key made of every input's identity, so a re-run of the same batch does not decode
every input again to find them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from pipeline.fingerprint import code_fingerprint
from pipeline.reader import InputRef

CACHE_FILE = ".cache.sqlite"
# Bump when the stored row or the key's recipe changes: every earlier entry then misses.
CACHE_FORMAT = "5"
_TABLES = ("records", "batches")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    line TEXT NOT NULL,
    unresolved_dates INTEGER NOT NULL DEFAULT 0,
    pretty_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS batches (
    key TEXT PRIMARY KEY,
    template_lines TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class CachedRecord:
    """What a run keeps of a finished document: its record line and its manifest counts."""

    line: str
    unresolved_dates: int = 0
    # The sha256 of its pretty copy in docs/: a re-run that finds the file intact skips rendering it.
    pretty_sha256: str | None = None


def run_fingerprint(
    config_hash: str,
    pipeline_version: str,
    stage_versions: Mapping[str, str],
    versions: Mapping[str, str],
    template_hash: str = "",
    *,
    code: str | None = None,
) -> str:
    """Hash what every record of a run depends on besides its own input.

    Args:
        config_hash: The hash of the effective configuration.
        pipeline_version: The package version (`pipeline.__version__`).
        stage_versions: The name and version of every stage.
        versions: Python's and the output-shaping distributions' versions (`api.versions()`).
        template_hash: The hash of the batch's template lines (`pipeline.stages.strip.templates`): a batch
            that changes them changes what strip drops.
        code: The fingerprint of the pipeline's code and data files; by default this
            process's own (`pipeline.fingerprint.code_fingerprint`), so no caller can leave it out.

    Returns:
        A sha256 hex digest.
    """
    parts = {
        "cache_format": CACHE_FORMAT,
        "config_hash": config_hash,
        "pipeline_version": pipeline_version,
        "stages": dict(stage_versions),
        "versions": dict(versions),
        "templates": template_hash,
        "code": code_fingerprint() if code is None else code,
    }
    return _sha256_json(parts)


def batch_key(fingerprint: str, identities: Iterable[tuple[str, str, str | None]]) -> str:
    """The key of a batch's template lines.

    It hashes the fingerprint of everything but the templates (the code's included, see
    `run_fingerprint`) and the id, path and sha256 of every input (None for an unreadable one), in order.
    """
    return _sha256_json([fingerprint, list(identities)])


def input_key(fingerprint: str, ref: InputRef, sha256: str, sidecar_date: str | None) -> str:
    """The cache key of one input: the run's fingerprint, the input's identity, bytes and sidecar date."""
    return _sha256_json([fingerprint, ref.id, ref.path, sha256, sidecar_date])


class ResultCache:
    """Record lines of earlier runs by record id, each under the key it was made with.

    Use it as a context manager; it is meant for one process at a time (the run's main process).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError:
            # Not a database we can read (truncated, or another file under this name): the
            # cache only saves time, so start afresh rather than fail the run.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def get(self, record_id: str, key: str) -> CachedRecord | None:
        """The stored record of `record_id` if it was made under `key`, else None."""
        row = self._conn.execute(
            "SELECT line, unresolved_dates, pretty_sha256 FROM records WHERE id = ? AND key = ?", (record_id, key)
        ).fetchone()
        return None if row is None else CachedRecord(str(row[0]), int(row[1]), row[2])

    def put(self, record_id: str, key: str, record: CachedRecord) -> None:
        """Store (or replace) the record of `record_id`, committed at once."""
        with self._conn:
            self._conn.execute(
                "INSERT INTO records (id, key, line, unresolved_dates, pretty_sha256) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET key = excluded.key, line = excluded.line,"
                " unresolved_dates = excluded.unresolved_dates, pretty_sha256 = excluded.pretty_sha256",
                (record_id, key, record.line, record.unresolved_dates, record.pretty_sha256),
            )

    def template_lines(self, key: str) -> frozenset[str] | None:
        """The template lines stored under a batch key (`batch_key`), or None."""
        row = self._conn.execute("SELECT template_lines FROM batches WHERE key = ?", (key,)).fetchone()
        return None if row is None else frozenset(json.loads(row[0]))

    def put_template_lines(self, key: str, lines: frozenset[str]) -> None:
        """Store the template lines of a batch, in place of any other batch's."""
        with self._conn:
            self._conn.execute("DELETE FROM batches")
            self._conn.execute(
                "INSERT INTO batches (key, template_lines) VALUES (?, ?)",
                (key, json.dumps(sorted(lines), ensure_ascii=False)),
            )

    def discard(self, record_id: str) -> None:
        """Forget `record_id` (its input failed this time)."""
        with self._conn:
            self._conn.execute("DELETE FROM records WHERE id = ?", (record_id,))

    def prune(self, keep: Iterable[str]) -> int:
        """Forget every record whose id is not in `keep` (its input is gone); returns how many."""
        with self._conn:
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (id TEXT PRIMARY KEY)")
            self._conn.execute("DELETE FROM keep")
            self._conn.executemany("INSERT OR IGNORE INTO keep (id) VALUES (?)", ((i,) for i in keep))
            removed = self._conn.execute("DELETE FROM records WHERE id NOT IN (SELECT id FROM keep)").rowcount
            self._conn.execute("DELETE FROM keep")
        return removed

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM records").fetchone()[0])

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "use ResultCache as a context manager"
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            # A file damaged inside (not only its header) opens, then fails some later query
            # ("database disk image is malformed"): check its structure first.
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("cache failed its integrity check")
            # WAL with synchronous=NORMAL: a commit survives the process being killed, and
            # costs no fsync per document.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != int(CACHE_FORMAT):
                # A cache of another format: its rows would never match a key of this one.
                for table in _TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute(f"PRAGMA user_version = {int(CACHE_FORMAT)}")
            db.executescript(_SCHEMA)
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db


def _sha256_json(value: object) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
