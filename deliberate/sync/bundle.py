"""The bundle on the wire: JSON Lines framed by a header and closed by an HMAC-SHA256 signature.

Pure bytes in, bytes out; nothing here touches the database. See the package docstring for the format.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from deliberate.errors import DomainError
from deliberate.i18n import N_

FORMAT = "deliberate-sync"
VERSION = 1
SIGNATURE_PREFIX = b'{"signature": "hmac-sha256:'
GZIP_MAGIC = b"\x1f\x8b"
# A bundle bigger than this is not a hall's session; refuse before decompressing it all.
MAX_BYTES = 512 * 1024 * 1024
# Tables renamed since version 1 bundles were first written, old name -> new: a laptop not yet updated
# still exports under the old name, and those rows must land in the table, not be skipped as unknown.
RENAMED_TABLES = {"moderation_action": "staff_action"}  # migrations/0010_staff_action.py


class BundleError(DomainError):
    """A bundle that cannot be read, trusted or applied; nothing has been written."""

    code = "bad_bundle"


@dataclass(frozen=True)
class Bundle:
    header: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]  # table name -> rows in export (id) order
    digest: str  # SHA-256 of the signed bytes: the same export always has the same digest


def signing_key() -> bytes:
    """SYNC_KEY, else SECRET_KEY: both instances must hold the same one."""
    key = os.environ.get("SYNC_KEY") or os.environ.get("SECRET_KEY") or ""
    if not key.strip():
        raise BundleError(
            N_(
                "Set SYNC_KEY (or SECRET_KEY) to the key shared by both instances before "
                "exporting or importing a session."
            )
        )
    return key.encode()


def _default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a bundle")


def _line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=_default).encode() + b"\n"


def write_bundle(
    header: dict[str, Any], rows: Iterable[tuple[str, dict[str, Any]]], key: bytes, *, compress: bool = False
) -> bytes:
    body = bytearray(_line(header))
    for table, row in rows:
        body += _line({"table": table, "row": row})
    signature = hmac.new(key, bytes(body), hashlib.sha256).hexdigest()
    body += SIGNATURE_PREFIX + signature.encode() + b'"}\n'
    return gzip.compress(bytes(body), mtime=0) if compress else bytes(body)


def _lines(payload: bytes) -> Iterator[dict[str, Any]]:
    for number, raw in enumerate(payload.splitlines(), start=1):
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise BundleError(N_("The bundle is malformed (line {n})."), n=number) from exc
        if not isinstance(obj, dict):
            raise BundleError(N_("The bundle is malformed (line {n})."), n=number)
        yield obj


def read_bundle(data: bytes, key: bytes) -> Bundle:
    """Check the signature over the exact bytes first; only a bundle that passes is parsed."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = zlib.decompressobj(wbits=31).decompress(data, MAX_BYTES)
        except (zlib.error, EOFError) as exc:
            raise BundleError(N_("The bundle is damaged: it could not be decompressed.")) from exc
    if not data.strip():
        raise BundleError(N_("The bundle is empty."))
    payload, _, last = data.rstrip(b"\n").rpartition(b"\n")
    if not last.startswith(SIGNATURE_PREFIX) or not last.endswith(b'"}'):
        raise BundleError(N_("The bundle is truncated or unsigned: its last line is not a signature."))
    claimed = last[len(SIGNATURE_PREFIX) : -2]
    payload += b"\n"
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(claimed, expected):
        raise BundleError(
            N_("The bundle's signature does not match: it was changed after export, or it was signed with another key.")
        )
    lines = _lines(payload)
    header = next(lines)
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BundleError(
            N_("This is not a session bundle this version can read (format {format}, version {version})."),
            format=header.get("format"),
            version=header.get("version"),
        )
    rows: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(lines, start=2):
        table, row = line.get("table"), line.get("row")
        if not isinstance(table, str) or not isinstance(row, dict):
            raise BundleError(N_("The bundle is malformed (line {n})."), n=number)
        rows.setdefault(RENAMED_TABLES.get(table, table), []).append(row)
    counts = header.get("counts")
    if isinstance(counts, dict):
        counts = {RENAMED_TABLES.get(t, t): n for t, n in counts.items()}
    if (
        not isinstance(counts, dict)
        or any(len(rows.get(t, [])) != n for t, n in counts.items())
        or set(rows) - set(counts)
    ):
        raise BundleError(N_("The bundle's row counts do not match its header."))
    return Bundle(header, rows, hashlib.sha256(payload).hexdigest())
