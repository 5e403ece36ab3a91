"""Tortoise's SQLite backend, with write transactions that take the write lock when they begin.

SQLite's default (deferred) transaction reads first and asks for the write lock at its first write; when
another process holds it by then, SQLite cannot wait (the two would deadlock) and fails at once with
"database is locked", whatever the busy timeout. BEGIN IMMEDIATE asks at the start, where the busy timeout
does wait, so several app processes (or the map process and the app) can share one database file.
The connection is opened usable from any thread (see `create_connection`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite
from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        # The connection is in autocommit mode, so no transaction is open here and Tortoise's commit() before
        # BEGIN only costs a round trip to the database thread; it is kept for the case it guarded against.
        try:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "within a transaction" not in str(exc):
                    raise
                await self._connection.commit()
                await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        # As Tortoise's, but the connection may also be used from the event loop's thread: a group commit runs
        # its point statements there while its transaction holds the connection (rawsql.direct).
        if not self._connection:
            self._connection = await aiosqlite.connect(self.filename, isolation_level=None, check_same_thread=False)
            self._connection._conn.row_factory = sqlite3.Row
            for pragma, val in self.pragmas.items():
                cursor = await self._connection.execute(f"PRAGMA {pragma}={val}")
                await cursor.close()
            await self._post_connect()

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return ImmediateSqliteClient
