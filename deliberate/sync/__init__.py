"""The hall without internet: move a session from a facilitator's laptop into the central instance.

`deliberate sync export CODE > bundle` on the laptop (the embedded SQLite database), then
`deliberate sync import bundle` on the central instance (PostgreSQL). Nothing is lost or duplicated, and
importing the same bundle again changes nothing.

Bundle format (version 1)
-------------------------
UTF-8 JSON Lines, optionally gzip-compressed as a whole (`export --gzip`; import recognises either):

1. a header: `{"format": "deliberate-sync", "version": 1, "source_instance": "<32 hex>",
   "session_uid": "<source instance>:<session id>", "session_code", "session_title", "assembly_key",
   "exported_at": ISO 8601, "counts": {"<table>": rows, ...}}`;
2. one line per row, `{"table": "<table>", "row": {column: value}}`: first the staff users the rows name
   (`staff_user`: id, email, display_name, role; never a password hash or token), then the tables of
   `tables.TABLES` in that order, each in id order. Values are as stored: ids as in the source database,
   datetimes and dates as ISO 8601, JSON columns inline;
3. a last line `{"signature": "hmac-sha256:<hex>"}`, the HMAC-SHA256 of every byte before it (after
   decompression) under the key in SYNC_KEY, else SECRET_KEY.

The signature is checked over the exact bytes before anything is parsed, so a changed byte, a cut-off
file or a wrong key is refused and nothing is written. HMAC rather than Ed25519: both ends are run by the
same network, the key is one environment variable the central instance already knows how to hold, and it
needs no new dependency. A public-key signature would only add that the central server could not forge a
laptop's bundle, which is not the threat here; a stolen laptop leaks the signing key either way.

What the import decides
-----------------------
- Ids: every id (foreign keys, the plain id columns `spotlight_id`, `current_round_id`, `merged_into_id`,
  `created_clause_id`, the ids inside `AgendaItem.proposal_ids` and `StaffAction.data`, and the
  participant in a consensus check's `voice`) is remapped to the ids the rows get centrally. Rows keep
  their timestamps. Briefs are carried as built (their data and content hash untouched), so the ids
  inside a stored brief are the laptop's; the next brief built centrally is a new version.
- The audit chain (`deliberate.audit`) is checked link by link as exported, a broken one refusing the
  bundle, then written again with the central ids and closed by a `sync.imported` entry naming the
  laptop chain's head, so `deliberate audit verify` passes centrally (see `chain.py`).
- The session keeps its join code unless the code is taken centrally; then it gets a new one.
- The assembly: matched by `assembly_key` (the source's `<instance>:<assembly id>`, or the key it had
  when it was itself imported), recorded centrally in the idempotency table (actor `sync-assembly`); else
  an assembly with the same title, province and start date when exactly one exists; else created. Themes
  and screening criteria of a matched assembly are reused by name.
- Participants keep their names, sectors, subdistricts, organisations, consent time and `assisted`; their
  phones' token hashes are not carried. A phone's token cookie belongs to the laptop's address and can
  never reach the central instance, so carrying the hashes would only spread live credentials. Each gets
  a fresh unusable hash, and `external_id` keeps the origin (`<source instance>:<participant id>`, or the
  Pol.is id it already had).
- Staff are mapped by e-mail. Someone unknown centrally becomes a disabled account with no usable password
  (an admin may enable it): nulling the reference would lose who moderated, answered or opened a round.
- Once: the import is recorded in the idempotency table (actor `sync`, key the session uid, fingerprint
  the SHA-256 of the signed bytes). The same bundle again answers "already imported" with the code; a
  later export of the same session is refused (merging changes is not supported).
- All or nothing: one transaction.

Each database's instance id is made on its first export and kept in the idempotency table as well
(actor `sync-instance`), so none of this needs a schema change.
"""

from deliberate.sync.bundle import BundleError, signing_key
from deliberate.sync.export import export_session
from deliberate.sync.import_ import Imported, import_bundle

__all__ = ["BundleError", "Imported", "export_session", "import_bundle", "signing_key"]
