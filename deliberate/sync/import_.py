"""Import a signed session bundle: all of it in one transaction, every id remapped, at most once."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tortoise import fields
from tortoise.exceptions import BaseORMException, IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from deliberate.accounts.models import AssemblyGrant, GrantRole, Role, StaffUser
from deliberate.audit.models import AuditEntry
from deliberate.i18n import N_
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.sessions.codes import new_code
from deliberate.sessions.models import Assembly, Session
from deliberate.sync.bundle import Bundle, BundleError, read_bundle
from deliberate.sync.chain import check_source_chain, hashes_checked, rechain, voice
from deliberate.sync.export import ASSEMBLY_ACTOR
from deliberate.sync.tables import BY_NAME, REFERENCED, STAFF, TABLES, Table, remap_action_data
from deliberate.tokens import new_token, token_hash

IMPORT_ACTOR = "sync"
BATCH = 1000
# Never a valid argon2 hash: a placeholder account cannot sign in until an admin sets a password.
PLACEHOLDER_HASH = "!sync-placeholder"


@dataclass(frozen=True)
class Imported:
    code: str
    session_id: int
    created: bool  # False when this very bundle had been imported before


async def import_bundle(data: bytes, key: bytes) -> Imported:
    bundle = read_bundle(data, key)
    uid = bundle.header.get("session_uid")
    if not isinstance(uid, str) or not 0 < len(uid) <= 100:
        raise BundleError(N_("The bundle's header names no session."))
    earlier = await _earlier_import(uid, bundle.digest)
    if earlier is not None:
        return earlier
    try:
        async with in_transaction():
            # Claimed first: a second import of the same session waits here, then finds it taken.
            record = await IdempotencyRecord.create(
                actor=IMPORT_ACTOR, key=uid, fingerprint=bundle.digest, status=201, body="{}"
            )
            with _keeping_timestamps():
                session = await _Writer(bundle).write()
            record.body = json.dumps({"code": session.code, "session_id": session.id})
            await record.save(update_fields=["body"])
    except IntegrityError as exc:
        earlier = await _earlier_import(uid, bundle.digest)
        if earlier is not None:
            return earlier
        raise BundleError(N_("The bundle could not be applied: {detail}"), detail=str(exc)[:300]) from exc
    except (BaseORMException, KeyError, TypeError, ValueError) as exc:
        raise BundleError(N_("The bundle could not be applied: {detail}"), detail=str(exc)[:300]) from exc
    return Imported(session.code, session.id, created=True)


async def _earlier_import(uid: str, digest: str) -> Imported | None:
    record = await IdempotencyRecord.get_or_none(actor=IMPORT_ACTOR, key=uid)
    if record is None:
        return None
    done = json.loads(record.body)
    if record.fingerprint != digest:
        raise BundleError(
            N_(
                "This session was already imported (as {code}) from a different export; changes "
                "made after that export are not merged."
            ),
            code=done.get("code", "?"),
        )
    return Imported(done["code"], done["session_id"], created=False)


@contextmanager
def _keeping_timestamps() -> Iterator[None]:
    """Let `updated_at` keep the bundle's value instead of the moment of import.

    Tortoise stamps auto_now fields on every insert; they are switched off only while this import runs,
    which the CLI does in a process of its own."""
    stamped = [
        f
        for t in TABLES
        for f in t.model._meta.fields_map.values()
        if isinstance(f, fields.DatetimeField) and f.auto_now
    ]
    for f in stamped:
        f.auto_now = False
    try:
        yield
    finally:
        for f in stamped:
            f.auto_now = True


class _Writer:
    def __init__(self, bundle: Bundle) -> None:
        self.header = bundle.header
        self.rows = bundle.rows
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)  # table -> bundle id -> new id
        self.done: set[str] = set()
        # (model, new row id, column, target table, bundle id): refs to rows written later, set at the end
        self.later: list[tuple[type[Model], int, str, str, int]] = []

    async def write(self) -> Session:
        await self._staff()
        for table in TABLES:
            rows = self.rows.get(table.name, [])
            if table.name == "assembly":
                await self._assembly(rows)
            elif table.name == "audit_entry":
                await self._audit(sorted(rows, key=lambda r: r["seq"]))
            elif table.name in ("theme", "screening_criterion"):
                await self._by_name(table, rows)
            elif table.name in REFERENCED:
                for row in rows:
                    await self._create(table, row)
            else:
                values = [self._values(table, row, deferrable=False) for row in rows]
                await table.model.bulk_create([table.model(**v) for v in values], batch_size=BATCH)
            self.done.add(table.name)
        for model, new_id, column, target, old in self.later:
            await model.filter(id=new_id).update(**{column: self._id(target, old)})
        sessions = list(self.ids["session"].values())
        if len(sessions) != 1:
            raise BundleError(N_("The bundle must carry exactly one session."))
        return await Session.get(id=sessions[0])

    async def _audit(self, rows: list[dict[str, Any]]) -> None:
        source = self.rows["session"][0]["id"]
        head = check_source_chain(rows, source)
        provenance = {
            "source_session": self.header["session_uid"],
            "source_head": head,
            "source_length": len(rows),
            "source_hashes_checked": hashes_checked(rows),
            "exported_at": self.header.get("exported_at"),
        }
        entries = rechain(rows, self.ids["session"][source], self._known, provenance)
        await AuditEntry.bulk_create([AuditEntry(**e) for e in entries], batch_size=BATCH)

    async def _staff(self) -> None:
        """Staff are matched by e-mail; someone unknown here becomes a disabled placeholder account, so
        the record still says who moderated, answered or opened a round."""
        for row in self.rows.get(STAFF, []):
            email = str(row["email"]).strip().lower()
            user = await StaffUser.get_or_none(email=email)
            if user is None:
                user = await StaffUser.create(
                    email=email,
                    display_name=str(row.get("display_name", ""))[:80],
                    role=Role(row["role"]),
                    password_hash=PLACEHOLDER_HASH,
                    is_active=False,
                )
            self.ids[STAFF][row["id"]] = user.id

    async def _assembly(self, rows: list[dict[str, Any]]) -> None:
        """The same assembly each time: first by the key it was exported with, then, for an assembly made
        by hand on both sides, by one with the same title, province and start date; else a new one."""
        if len(rows) != 1:
            raise BundleError(N_("The bundle must carry exactly one assembly."))
        row, key = rows[0], str(self.header.get("assembly_key", ""))[:100]
        record = await IdempotencyRecord.get_or_none(actor=ASSEMBLY_ACTOR, key=key) if key else None
        assembly = await Assembly.get_or_none(id=json.loads(record.body)["assembly_id"]) if record else None
        if assembly is None and row.get("starts_on"):
            same = await Assembly.filter(
                title=row["title"],
                province_code=row.get("province_code", ""),
                starts_on=dt.date.fromisoformat(row["starts_on"]),
            ).limit(2)
            assembly = same[0] if len(same) == 1 else None
        if assembly is None:
            assembly = await Assembly.create(**self._values(BY_NAME["assembly"], row, deferrable=False))
            if assembly.created_by_id is not None:
                await AssemblyGrant.get_or_create(
                    assembly=assembly, user_id=assembly.created_by_id, defaults={"role": GrantRole.OWNER}
                )
        self.ids["assembly"][row["id"]] = assembly.id
        if key:
            body = json.dumps({"assembly_id": assembly.id})
            if record is None:
                await IdempotencyRecord.create(actor=ASSEMBLY_ACTOR, key=key, fingerprint="", status=201, body=body)
            elif record.body != body:
                record.body = body
                await record.save(update_fields=["body"])

    async def _by_name(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Themes and screening criteria of an assembly that already exists are reused by name."""
        assembly_id = self.ids["assembly"][rows[0]["assembly_id"]] if rows else None
        existing = dict(await table.model.filter(assembly_id=assembly_id).values_list("name", "id"))
        for row in rows:
            if row["name"] in existing:
                self.ids[table.name][row["id"]] = existing[row["name"]]
            else:
                await self._create(table, row)

    async def _create(self, table: Table, row: dict[str, Any]) -> None:
        values = self._values(table, row, deferrable=True)
        if table.name == "session" and await Session.exists(code=values["code"]):
            values["code"] = await _free_code()
        elif table.name == "participant":
            # Phones' tokens stay behind: their cookies belong to the laptop's address, never to this one.
            values["token_hash"] = token_hash(new_token())
            values["external_id"] = values.get("external_id") or f"{self.header['source_instance']}:{row['id']}"[:64]
        obj = await table.model.create(**values)
        self.ids[table.name][row["id"]] = obj.pk  # `id` on every bundled table; a plain Model only knows `pk`
        for column, target in table.refs.items():
            if row.get(column) is not None and values.get(column) is None:
                self.later.append((table.model, obj.pk, column, target, row[column]))

    def _values(self, table: Table, row: dict[str, Any], *, deferrable: bool) -> dict[str, Any]:
        fields_map = table.model._meta.fields_map
        values: dict[str, Any] = {}
        for column in table.columns:
            if column == "id" or column not in row:
                continue
            value = row[column]
            if value is None:
                pass
            elif column in table.refs:
                target = table.refs[column]
                if deferrable and (target not in self.done or target == table.name) and value not in self.ids[target]:
                    value = None  # written later, once the row it names exists
                else:
                    value = self._id(target, value)
            elif column in table.staff:
                value = self.ids[STAFF][value]
            elif isinstance(fields_map[column], fields.DatetimeField):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(fields_map[column], fields.DateField):
                value = dt.date.fromisoformat(value)
            values[column] = value
        if table.name == "agenda_item":
            values["proposal_ids"] = [
                self.ids["proposal"][i] for i in row.get("proposal_ids", []) if i in self.ids["proposal"]
            ]
        elif table.name == "staff_action":
            values["data"] = remap_action_data(str(row.get("action", "")), row.get("data") or {}, self._known)
        elif table.name == "check_answer":
            values["voice"] = voice(str(row["voice"]), self._known)
        return values

    def _known(self, table: str, old: int) -> int | None:
        return self.ids[table].get(old)

    def _id(self, table: str, old: int) -> int:
        try:
            return self.ids[table][old]
        except KeyError:
            raise BundleError(
                N_("The bundle refers to a row it does not carry ({table} {id})."), table=table, id=old
            ) from None


async def _free_code() -> str:
    while True:
        code = new_code()
        if not await Session.exists(code=code):
            return code
