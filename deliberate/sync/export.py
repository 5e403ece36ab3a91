"""Export one session, with everything that hangs off it, as a signed bundle."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from deliberate.accounts.models import StaffUser
from deliberate.errors import NotFound
from deliberate.i18n import N_
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.sessions.codes import normalise_code
from deliberate.sessions.models import Session
from deliberate.sync.bundle import FORMAT, VERSION, write_bundle
from deliberate.sync.tables import STAFF, TABLES

INSTANCE_ACTOR = "sync-instance"
ASSEMBLY_ACTOR = "sync-assembly"


async def instance_id() -> str:
    """This database's own id, made on first use and kept in the idempotency table (no schema change)."""
    record = await IdempotencyRecord.get_or_none(actor=INSTANCE_ACTOR, key="id")
    if record is None:
        try:
            record = await IdempotencyRecord.create(
                actor=INSTANCE_ACTOR, key="id", fingerprint=uuid.uuid4().hex, status=200, body="{}"
            )
        except IntegrityError:  # two exports at once: the other one made it
            record = await IdempotencyRecord.get(actor=INSTANCE_ACTOR, key="id")
    return record.fingerprint


async def assembly_key(assembly_id: int, instance: str) -> str:
    """The assembly's stable key: the one it came with if it was itself imported, else this instance's."""
    for key, body in await IdempotencyRecord.filter(actor=ASSEMBLY_ACTOR).values_list("key", "body"):
        if json.loads(body).get("assembly_id") == assembly_id:
            return str(key)
    return f"{instance}:{assembly_id}"


async def export_session(code: str, key: bytes, *, compress: bool = False) -> bytes:
    session = await Session.get_or_none(code=normalise_code(code))
    if session is None:
        raise NotFound(N_("No session has the code {code}."), code=code)
    instance = await instance_id()
    # One read transaction, so a session still in use exports as one consistent moment (SQLite snapshot).
    async with in_transaction():
        rows = await _collect(session)
        staff_ids = sorted(
            {r[c] for t in TABLES for r in rows[t.name] for c in t.staff if r[c] is not None}
            | _staff_in_chain(rows["audit_entry"])
        )
        rows[STAFF] = (
            await StaffUser.filter(id__in=staff_ids).order_by("id").values("id", "email", "display_name", "role")
        )
    header = {
        "format": FORMAT,
        "version": VERSION,
        "source_instance": instance,
        "session_uid": f"{instance}:{session.id}",
        "session_code": session.code,
        "session_title": session.title,
        "assembly_key": await assembly_key(session.assembly_id, instance),
        "exported_at": dt.datetime.now(dt.UTC),
        "counts": {name: len(r) for name, r in rows.items()},
    }
    return write_bundle(header, _ordered(rows), key, compress=compress)


async def _collect(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every bundled table's rows of this session, walking down from the session through the owners."""
    rows: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, list[int]] = {"session": [session.id], "assembly": [session.assembly_id]}
    for table in TABLES:
        if table.name in ids:
            query = table.model.filter(id__in=ids[table.name])
        else:
            belongs = [Q(**{f"{c}__in": ids[table.refs[c]]}, join_type="AND") for c in table.owners]
            query = table.model.filter(Q(*belongs, join_type="OR"))
        rows[table.name] = await query.order_by("id").values(*table.columns)
        ids[table.name] = [r["id"] for r in rows[table.name]]
    return rows


def _staff_in_chain(entries: list[dict[str, Any]]) -> set[int]:
    """Staff the audit chain names as actors ("staff:3"), so the import can map them too."""
    kind_ids = (e["actor"].partition(":") for e in entries)
    return {int(n) for kind, _, n in kind_ids if kind == "staff" and n.isdigit()}


def _ordered(rows: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in (STAFF, *(t.name for t in TABLES)):
        for row in rows[name]:
            yield name, row
