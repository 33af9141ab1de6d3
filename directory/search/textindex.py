"""A full-text table of the services inside the SQL database, so that search still answers without Meilisearch.

SQLite: an FTS5 virtual table; PostgreSQL: a plain table with a GIN index on `to_tsvector('simple', body)`.
The body is normalised text (lower case, accents removed) built from the same fields Meilisearch searches, so
both engines match words the same way. The search outbox's flush listener (`sync.enqueue`) refreshes the rows
of the services an edit touches, in the edit's own transaction; `ensure` creates and fills the table and
`reindex` rebuilds it. The table is not a model: `db.create_all()` and migrations leave it alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.sql.elements import TextClause

from directory.models import (
    Bassin,
    Commune,
    CoordinationFunction,
    Location,
    Organization,
    Public,
    Quartier,
    Sector,
    Service,
    ServiceFunction,
)
from directory.models.services import service_at_location, service_public, service_sector

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


_FUNCTION_NAMES = select(
    CoordinationFunction.code, CoordinationFunction.name_fr, CoordinationFunction.name_nl, CoordinationFunction.synonyms
)


def bodies(connection: Connection, ids: Iterable[int]) -> dict[int, str]:
    """The normalised searchable text of each active service among `ids`."""
    ids = list(ids)
    parts: dict[int, list[str]] = defaultdict(list)
    services = connection.execute(
        select(
            Service.id,
            Service.name_fr,
            Service.name_nl,
            Service.description_fr,
            Service.description_nl,
            Organization.name_fr,
            Organization.name_nl,
            Service.functions,
        )
        .join(Organization, Organization.id == Service.organization_id, isouter=True)
        .where(Service.id.in_(ids), Service.status != "inactive")
    )
    functions = {code: " ".join(names).replace("|", " ") for code, *names in connection.execute(_FUNCTION_NAMES)}
    for sid, *texts, codes in services:
        parts[sid].extend(t or "" for t in texts)
        parts[sid].extend(functions.get(code, "") for code in codes or [])
    related = [
        select(service_sector.c.service_id, Sector.name_fr, Sector.name_nl, Sector.synonyms)
        .join(Sector, Sector.code == service_sector.c.sector_code)
        .where(service_sector.c.service_id.in_(ids)),
        select(
            ServiceFunction.service_id,
            CoordinationFunction.name_fr,
            CoordinationFunction.name_nl,
            CoordinationFunction.synonyms,
        )  # the functions declared at one location (the text is per service: the filter places them)
        .join(CoordinationFunction, CoordinationFunction.code == ServiceFunction.function)
        .where(ServiceFunction.service_id.in_(ids)),
        select(service_public.c.service_id, Public.name_fr, Public.name_nl)
        .join(Public, Public.code == service_public.c.public_code)
        .where(service_public.c.service_id.in_(ids)),
        select(
            service_at_location.c.service_id,
            Location.street_fr,
            Location.street_nl,
            Location.postcode,
            Commune.name_fr,
            Commune.name_nl,
            Quartier.name_fr,
            Quartier.name_nl,
            Bassin.name_fr,
            Bassin.name_nl,
        )
        .join(Location, Location.id == service_at_location.c.location_id)
        .join(Commune, Commune.nis == Location.commune_nis, isouter=True)
        .join(Quartier, Quartier.code == Location.quartier_code, isouter=True)
        .join(Bassin, Bassin.code == Location.bassin_code, isouter=True)
        .where(service_at_location.c.service_id.in_(ids)),
    ]
    for query in related:
        for sid, *texts in connection.execute(query):
            if sid in parts:
                parts[sid].extend((t or "").replace("|", " ") for t in texts)
    return {sid: normalise(" ".join(texts)) for sid, texts in parts.items()}


def refresh(connection: Connection, ids: Iterable[int]) -> None:
    """Rewrite the rows of `ids` from the database as the current transaction sees it (no-op without the table)."""
    ids = sorted(set(ids))
    if not ids or not exists(connection):
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        delete = text(f"DELETE FROM {TABLE} WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))
        connection.execute(delete, {"ids": chunk})
        rows = [{"rowid": sid, "body": body} for sid, body in bodies(connection, chunk).items()]
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
