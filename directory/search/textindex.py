"""A full-text table of the services inside the SQL database, so that search still answers without Meilisearch.

SQLite: an FTS5 virtual table; PostgreSQL: a plain table with a GIN index on `to_tsvector('simple', body)`.
The body is normalised text (lower case, accents removed) of the attributes Meilisearch searches, read from the
same index documents, so both engines match words the same way. The search outbox's flush listener
(`sync.enqueue`) refreshes the rows of the services an edit touches, in the edit's own transaction; `ensure`
creates and fills the table and `reindex` rebuilds it. The table is not a model: `db.create_all()` and
migrations leave it alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.sql.elements import TextClause

from directory.models import Service
from directory.search.documents import documents_of
from directory.search.settings import SEARCHABLE

TABLE = "search_text"
CHUNK = 500
_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ready: set[str] = set()


#: the combining diacritical marks of Latin scripts (U+0300–U+036F, those `unicodedata.combining` says are): one
#: regex pass strips the accents of French and Dutch text; a rarer mark is still found character by character
_ACCENTS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]+")


def normalise(value: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces: 'Médecin-Généraliste' → 'medecin generaliste'."""
    value = value or ""
    if value.isascii():  # nothing to decompose (most of an import's text): skip the walk over each character
        plain = value
    else:
        plain = _ACCENTS.sub("", unicodedata.normalize("NFKD", value))
        if not plain.isascii():
            plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_WORD.sub(" ", plain.lower().replace("_", " ")).split())


def words(query: str, limit: int = 12) -> list[str]:
    """The words of a query as the table stores them (at most `limit`)."""
    return normalise(query).split()[:limit]


def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def exists(connection: Connection) -> bool:
    """True when the table is there (remembered per database once seen)."""
    key = str(connection.engine.url)
    if key in _ready:
        return True
    if _is_sqlite(connection):
        found = connection.scalar(text("SELECT 1 FROM sqlite_master WHERE name = :t"), {"t": TABLE})
    else:
        found = connection.scalar(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": TABLE})
    if found:
        _ready.add(key)
    return bool(found)


def create(connection: Connection) -> None:
    """Create the table (idempotent)."""
    if _is_sqlite(connection):
        connection.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(body)"))
    else:
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (rowid integer PRIMARY KEY, body text NOT NULL)"))
        connection.execute(
            text(f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (to_tsvector('simple', body))")
        )


def body_of(documents: Iterable[dict]) -> str:
    """The normalised text of a service's index documents: every attribute Meilisearch searches, each distinct
    value once (a service's places repeat its names)."""
    texts: dict[str, None] = {}
    for document in documents:
        for name in SEARCHABLE:
            value = document.get(name)
            for item in value if isinstance(value, list) else (value,):
                if item:
                    texts.setdefault(item)
    return normalise(" ".join(texts))


def bodies(connection: Connection, ids: Iterable[int]) -> dict[int, str]:
    """The normalised searchable text of each active service among `ids`."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for document in documents_of(connection, ids):
        grouped[document["service_id"]].append(document)
    return {sid: body_of(documents) for sid, documents in grouped.items()}


def refresh(connection: Connection, ids: Iterable[int], documents: Mapping[int, list[dict]] | None = None) -> None:
    """Rewrite the rows of `ids` from the database as the current transaction sees it, or from their index
    `documents` when the caller has them (an import's new services); no-op without the table."""
    ids = sorted(set(ids))
    if not ids or not exists(connection):
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        delete = text(f"DELETE FROM {TABLE} WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))
        connection.execute(delete, {"ids": chunk})
        given = {sid: documents[sid] for sid in chunk if sid in documents} if documents is not None else {}
        found = bodies(connection, [sid for sid in chunk if sid not in given]) if len(given) < len(chunk) else {}
        found |= {sid: body_of(docs) for sid, docs in given.items() if docs}
        rows = [{"rowid": sid, "body": body} for sid, body in found.items()]
        if rows:
            connection.execute(text(f"INSERT INTO {TABLE} (rowid, body) VALUES (:rowid, :body)"), rows)


def rebuild(connection: Connection) -> int:
    """Fill the table from scratch; returns the number of services written."""
    create(connection)
    connection.execute(text(f"DELETE FROM {TABLE}"))
    ids = list(connection.scalars(select(Service.id).where(Service.status != "inactive").order_by(Service.id)))
    refresh(connection, ids)
    return len(ids)


def ensure(connection: Connection) -> None:
    """Create the table and fill it when its row count differs from the active services (new or stale table)."""
    create(connection)
    active = connection.scalar(select(func.count()).select_from(Service).where(Service.status != "inactive"))
    if connection.scalar(text(f"SELECT count(*) FROM {TABLE}")) != active:
        rebuild(connection)


def match(connection: Connection, terms: list[str]) -> tuple[TextClause, dict]:
    """A statement selecting `(rowid, rank)` of the rows holding every term as a word prefix (lower rank first)."""
    if _is_sqlite(connection):
        expression = " AND ".join(f'"{t}"*' for t in terms)
        return text(f"SELECT rowid, bm25({TABLE}) AS rank FROM {TABLE} WHERE {TABLE} MATCH :q"), {"q": expression}
    expression = " & ".join(f"{t}:*" for t in terms)
    tsv = "to_tsvector('simple', body)"
    statement = f"SELECT rowid, -ts_rank({tsv}, to_tsquery('simple', :q)) AS rank FROM {TABLE} "
    return text(statement + f"WHERE {tsv} @@ to_tsquery('simple', :q)"), {"q": expression}
