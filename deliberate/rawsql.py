"""Hand-written SQL for the statements every support runs, on the connection the caller's transaction holds.

Tortoise builds each query afresh through pypika, and that, not the database, was most of what a support
cost: loading a proposal with its session took 1.0 ms of CPU, the same row by plain SQL 0.08 ms (a support
made about twelve such statements, and a hall makes hundreds of supports a second). The few statements on
that path are written out once, in the SQL that SQLite and PostgreSQL share, with `?` placeholders
(numbered for asyncpg here). Rows become model instances the way Tortoise's own executor makes them, so
the rest of the code cannot tell the difference. Everything else keeps using the ORM.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import sqlite3
from collections.abc import AsyncIterator
from functools import cache
from typing import Any, TypeVar

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import connections
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.models import Model
from tortoise.transactions import in_transaction

M = TypeVar("M", bound=Model)


@cache
def _numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2...` (our statements hold no literal question marks)."""
    counter = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


def _connection_and_text(sql: str) -> tuple[Any, str]:
    db = connections.get("default")  # the transaction's connection inside `in_transaction()`
    return db, (sql if db.capabilities.dialect == "sqlite" else _numbered(sql))


# Inside a group commit's SQLite transaction (groupcommit.py): the transaction's sqlite3 connection, used
# right here on the event loop's thread. The transaction holds the client's lock, so nothing else uses the
# connection meanwhile, and it holds SQLite's write lock, so a statement never waits for another writer: a
# point read or insert takes tens of microseconds, less than the hop to aiosqlite's thread and back (which
# waits for the busy loop to hand over the GIL). COMMIT, with its fsync, still goes to that thread.
direct: contextvars.ContextVar[sqlite3.Connection | None] = contextvars.ContextVar("rawsql_direct", default=None)


async def rows(sql: str, *params: object) -> list[dict[str, Any]]:
    conn = direct.get()
    if conn is not None:
        try:
            return [dict(row) for row in conn.execute(sql, params).fetchall()]
        except sqlite3.IntegrityError as exc:  # as Tortoise's client translates them
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
    db, text = _connection_and_text(sql)
    return list(await db.execute_query_dict(text, list(params)))


async def value(sql: str, *params: object) -> Any:
    found = await rows(sql, *params)
    return next(iter(found[0].values())) if found else None


async def insert(sql: str, *params: object) -> int:
    """An INSERT (perhaps `ON CONFLICT DO NOTHING`); returns the rows it added. Counted from RETURNING: for an
    INSERT, Tortoise's asyncpg client reads the oid in PostgreSQL's "INSERT 0 1" as the count."""
    return len(await rows(f"{sql} RETURNING 1", *params))  # constraint failures raise Tortoise's IntegrityError


async def one(model: type[M], sql: str, *params: object) -> M | None:
    """The first row as an instance of `model` (select every column of its table)."""
    found = await rows(sql, *params)
    return model._init_from_db(**found[0]) if found else None


def attach(instance: Model, relation: str, related: Model | None) -> None:
    """Set a foreign key's object as `select_related` would, so `instance.<relation>` needs no query."""
    object.__setattr__(instance, f"_{relation}", related)


@contextlib.asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """A transaction, or the caller's when there is one. Unlike a nested `in_transaction()` this opens no
    savepoint (two round trips): use it where a failure should undo the caller's whole transaction anyway,
    and write conflicts as `ON CONFLICT DO NOTHING` so that they are not failures."""
    if isinstance(connections.get("default"), TransactionalDBClient):
        yield
        return
    async with in_transaction():
        yield


@cache
def columns(model: type[Model], alias: str) -> str:
    """`alias."col" AS "alias.col", ...` for every column of the model: for a row that joins several tables."""
    return ", ".join(f'{alias}."{c}" AS "{alias}.{c}"' for c in model._meta.db_fields)


def part(model: type[M], row: dict[str, Any], alias: str) -> M:
    """The `model` instance held in a joined row's `alias.` columns (see `columns`)."""
    start = f"{alias}."
    return model._init_from_db(**{k[len(start) :]: v for k, v in row.items() if k.startswith(start)})
