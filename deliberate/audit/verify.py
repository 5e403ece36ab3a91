"""Checking a session's chain and replaying it against the stored votes.

The chain is walked link by link (sequence, previous hash, own hash, recomputed with the audit key the entry
names; entries from before the chain was keyed with plain SHA-256, and said so). By default the chain must
still pass through the last head the app showed (projector end screen, follow-up page, brief; recorded and
signed in `PublishedHead`), so a cut tail or a recomputed chain fails without anyone typing a head in. Its
entries are then replayed into
the supports, ballots and consensus answers they say exist, which are compared row by row with the tables,
and every tally is computed twice with the app's own counting (`voting.tally`): from the log and from the
database. Any difference is a problem named in the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from deliberate.audit.chain import GENESIS, entry_hash, head_signature
from deliberate.audit.keys import keyring
from deliberate.audit.models import AuditEntry, PublishedHead
from deliberate.i18n import N_, gettext
from deliberate.resolutions.models import CheckAnswer
from deliberate.sessions.models import Session
from deliberate.supports.models import Support
from deliberate.voting import tally
from deliberate.voting.methods import Options, options_of
from deliberate.voting.models import Ballot, VoteRound

BallotKey = tuple[int, int, str]  # round, proposal, voter ("p:<participant>" or "paper:<key>")
Stored = tuple[int, str, int]  # value, source, sheets (a pile of paper sheets; 1 for a person)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str  # an untranslated source string, translated when shown
    params: dict[str, Any]

    def translated(self) -> str:
        return gettext(self.message, **self.params)


@dataclass
class Report:
    code: str
    length: int = 0
    head: str | None = None
    tallies_checked: int = 0
    rows_checked: int = 0
    # The seq of the first entry keyed (HMAC), None when none is; entries before it are plain SHA-256.
    keyed_from: int | None = None
    key_ids: list[str] = field(default_factory=list)
    # The head the chain was checked against by default: the last one the app showed (and signed).
    published: PublishedHead | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, code: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(code, message, params))

    def as_json(self) -> dict[str, Any]:
        return {
            "session": self.code,
            "ok": self.ok,
            "length": self.length,
            "head": self.head,
            "tallies_checked": self.tallies_checked,
            "rows_checked": self.rows_checked,
            "keyed_from": self.keyed_from,
            "key_ids": self.key_ids,
            "published": (
                {
                    "seq": self.published.seq,
                    "hash": self.published.hash,
                    "place": self.published.place,
                    "at": self.published.at.isoformat(),
                }
                if self.published
                else None
            ),
            "problems": [{"code": p.code, "message": p.translated(), **p.params} for p in self.problems],
        }


@dataclass
class Replay:
    """What the log says is stored now: supports, ballots and consensus answers."""

    supports: dict[tuple[int, int], str] = field(default_factory=dict)  # (proposal, participant) -> source
    ballots: dict[BallotKey, Stored] = field(default_factory=dict)
    answers: dict[tuple[int, str], str] = field(default_factory=dict)  # (check, voice) -> answer

    def apply(self, kind: str, p: dict[str, Any]) -> None:
        if kind == "support.added":
            self.supports[(p["proposal"], p["participant"])] = p["source"]
        elif kind == "support.withdrawn":
            self.supports.pop((p["proposal"], p["participant"]), None)
        elif kind == "support.moved":
            for person in p["participants"]:
                source = self.supports.pop((p["proposal"], person), "phone")
                self.supports[(p["into"], person)] = source
        elif kind in ("vote.cast", "vote.changed"):
            self.ballots[(p["round"], p["proposal"], f"p:{p['participant']}")] = (p["value"], p["source"], 1)
        elif kind == "vote.removed":
            self.ballots.pop((p["round"], p["proposal"], f"p:{p['participant']}"), None)
        elif kind == "vote.ranked":
            voter = f"p:{p['participant']}"
            for key in [k for k in self.ballots if k[0] == p["round"] and k[2] == voter]:
                del self.ballots[key]
            for position, pid in enumerate(p["order"]):
                self.ballots[(p["round"], pid, voter)] = (position + 1, p["source"], 1)
        elif kind == "votes.imported":  # a whole Pol.is export, one entry: [[proposal, participant, value], ...]
            for pid, who, value in p["imported"]:
                self.ballots[(p["round"], pid, f"p:{who}")] = (value, p["source"], 1)
        elif kind == "vote.paper":  # a pile of identical sheets; entries from before piles hold one
            for pid, value in p["marks"]:
                self.ballots[(p["round"], pid, f"paper:{p['key']}")] = (value, "paper", p.get("sheets", 1))
        elif kind == "check.answered":
            self.answers[(p["check"], p["voice"])] = p["answer"]


async def verify(session: Session, *, pinned: str | None = None, require_keyed: bool = False) -> Report:
    """Check the chain and the stored votes. The chain must still pass through the last head published
    (projector, follow-up page, brief) and, when given, through `pinned` (a head copied from paper).
    `require_keyed` refuses entries from before the chain was keyed (for sessions held after it was)."""
    report = Report(session.code)
    hashes: set[str] = set()
    replay = Replay()
    keys = keyring()
    prev, expected_seq = GENESIS, 1
    for e in await AuditEntry.filter(session_id=session.id).order_by("seq"):
        _check_link(report, e, prev, expected_seq, keys.get(e.key_id) if e.key_id else None)
        prev, expected_seq = e.hash, e.seq + 1
        hashes.add(e.hash)
        report.length += 1
        try:
            replay.apply(e.kind, json.loads(e.payload))
        except (ValueError, KeyError, TypeError):
            report.add("entry_unreadable", N_("Entry at seq {seq} cannot be read."), seq=e.seq)
    report.head = prev if report.length else None
    unkeyed = report.length if report.keyed_from is None else report.keyed_from - 1
    if require_keyed and unkeyed:
        report.add(
            "unkeyed",
            N_("{n} entries are not keyed (plain SHA-256): anyone with the database could have written them."),
            n=unkeyed,
        )
    if pinned is not None and pinned not in hashes:
        report.add(
            "head_missing",
            N_("No entry of the chain has the hash {head}: the record it vouched for has changed."),
            head=pinned,
        )
    await _check_published(session, report)
    await _check_supports(session, replay, report)
    await _check_ballots(session, replay, report)
    await _check_answers(session, replay, report)
    return report


def _check_link(report: Report, e: AuditEntry, prev: str, expected_seq: int, key: bytes | None) -> None:
    if e.seq != expected_seq:
        report.add(
            "seq_gap",
            N_("Entries are missing before seq {seq} (seq {expected} was expected)."),
            seq=e.seq,
            expected=expected_seq,
        )
    if e.prev_hash != prev:
        report.add("broken_link", N_("Broken link at seq {seq}: it does not follow the entry before it."), seq=e.seq)
    if e.key_id:
        if report.keyed_from is None:
            report.keyed_from = e.seq
        if e.key_id not in report.key_ids:
            report.key_ids.append(e.key_id)
        if key is None:
            report.add(
                "key_unknown",
                N_(
                    "Entry at seq {seq} is keyed with key {key}, which this instance does not hold: set it in "
                    "AUDIT_KEY or AUDIT_PREVIOUS_KEYS to check it."
                ),
                seq=e.seq,
                key=e.key_id,
            )
            return
    elif report.keyed_from is not None:
        # Plain SHA-256 after a keyed entry: nothing writes that, so someone recomputed the chain from here.
        report.add(
            "unkeyed_after_keyed",
            N_("Entry at seq {seq} is unkeyed after keyed entries: the chain was recomputed from there."),
            seq=e.seq,
        )
    recomputed = entry_hash(
        e.prev_hash,
        key=key,
        session_id=e.session_id,
        seq=e.seq,
        at=e.at,
        kind=e.kind,
        actor=e.actor,
        subject=e.subject,
        payload=e.payload,
    )
    if recomputed != e.hash:
        report.add("entry_edited", N_("Entry edited at seq {seq}: its hash does not match what it says."), seq=e.seq)


async def _check_published(session: Session, report: Report) -> None:
    """The chain must still reach the last head published, at the same seq with the same hash."""
    keys = keyring()
    valid: list[PublishedHead] = []
    for row in await PublishedHead.filter(session_id=session.id).order_by("seq", "id"):
        key = keys.get(row.key_id)
        signed = key is not None and row.signature == head_signature(
            key, session_id=session.id, seq=row.seq, hash=row.hash, place=row.place, at=row.at
        )
        if signed:
            valid.append(row)
        else:
            report.add(
                "published_unsigned",
                N_(
                    "The record of a head published at seq {seq} is not signed with a key this instance holds: "
                    "it was written outside the app, or its key is not set."
                ),
                seq=row.seq,
            )
    if not valid:
        return
    last = report.published = valid[-1]
    stored = await AuditEntry.filter(session_id=session.id, seq=last.seq).first()
    if stored is None:
        report.add(
            "published_cut",
            N_(
                "The chain ends before seq {seq}, the head published in {where} ({head}): its tail was cut "
                "after it was shown."
            ),
            seq=last.seq,
            where=where_label(last.place),
            head=last.hash,
        )
    elif stored.hash != last.hash:
        report.add(
            "published_rewritten",
            N_(
                "The chain no longer passes through the head published in {where} at seq {seq} ({head}): it "
                "was rewritten after it was shown."
            ),
            seq=last.seq,
            where=where_label(last.place),
            head=last.hash,
        )


WHERE_LABELS = {
    "projector": N_("the projector's end screen"),
    "follow_up": N_("the public follow-up page"),
    "brief": N_("a brief"),
}


def where_label(where: str) -> str:
    return gettext(WHERE_LABELS.get(where, where))


async def _check_supports(session: Session, replay: Replay, report: Report) -> None:
    rows = await Support.filter(proposal__session_id=session.id).values_list(
        "proposal_id", "participant_id", "assisted"
    )
    stored = {(pid, who): "assisted" if assisted else "phone" for pid, who, assisted in rows}
    report.rows_checked += len(stored)
    for pid, who in sorted(replay.supports.keys() - stored.keys()):
        report.add(
            "support_missing",
            N_("Support in the log missing from the support table: proposal {proposal}, participant {participant}."),
            proposal=pid,
            participant=who,
        )
    for pid, who in sorted(stored.keys() - replay.supports.keys()):
        report.add(
            "support_unlogged",
            N_("Support not in the log: proposal {proposal}, participant {participant}."),
            proposal=pid,
            participant=who,
        )
    logged = [tally.Mark(pid, f"p:{who}", 1, src) for (pid, who), src in replay.supports.items()]
    table = [tally.Mark(pid, f"p:{who}", 1, src) for (pid, who), src in stored.items()]
    _compare_tallies(report, None, "support", Options(), logged, table)


async def _check_ballots(session: Session, replay: Replay, report: Report) -> None:
    rounds = {r.id: r for r in await VoteRound.filter(session_id=session.id)}
    rows = (
        await Ballot.filter(round_id__in=list(rounds)).values_list(
            "round_id", "proposal_id", "participant_id", "paper_key", "value", "source", "sheets"
        )
        if rounds
        else []
    )
    stored: dict[BallotKey, Stored] = {
        (rid, pid, f"p:{who}" if who else f"paper:{key}"): (value, source, sheets)
        for rid, pid, who, key, value, source, sheets in rows
    }
    report.rows_checked += len(stored)
    for rid, pid, voter in sorted(replay.ballots.keys() - stored.keys()):
        report.add(
            "ballot_missing",
            N_("Vote in the log missing from the ballot table: round {round}, proposal {proposal}, voter {voter}."),
            round=rid,
            proposal=pid,
            voter=voter,
        )
    for rid, pid, voter in sorted(stored.keys() - replay.ballots.keys()):
        report.add(
            "ballot_unlogged",
            N_("Ballot not in the log: round {round}, proposal {proposal}, voter {voter}."),
            round=rid,
            proposal=pid,
            voter=voter,
        )
    for key in sorted(stored.keys() & replay.ballots.keys()):
        if stored[key] != replay.ballots[key]:
            report.add(
                "ballot_differs",
                N_(
                    "Ballot differs from the log: round {round}, proposal {proposal}, "
                    "voter {voter}: {table} in the table, {log} in the log."
                ),
                round=key[0],
                proposal=key[1],
                voter=key[2],
                table=_mark(stored[key]),
                log=_mark(replay.ballots[key]),
            )
    for rid in sorted({k[0] for k in stored} | {k[0] for k in replay.ballots}):
        vote_round = rounds.get(rid)
        method = vote_round.method if vote_round else "unknown"
        options = options_of(vote_round.options) if vote_round else Options()
        _compare_tallies(report, rid, method, options, _marks(replay.ballots, rid), _marks(stored, rid))


async def _check_answers(session: Session, replay: Replay, report: Report) -> None:
    rows = await CheckAnswer.filter(check__clause__item__session_id=session.id).values_list(
        "check_id", "voice", "answer"
    )
    stored = {(cid, voice): answer for cid, voice, answer in rows}
    report.rows_checked += len(stored)
    for cid, voice in sorted(stored.keys() | replay.answers.keys()):
        table, log = stored.get((cid, voice), "-"), replay.answers.get((cid, voice), "-")
        if table != log:
            report.add(
                "answer_differs",
                N_("Consensus check {check}, voice {voice}: {table} in the table, {log} in the log."),
                check=cid,
                voice=voice,
                table=table,
                log=log,
            )
    report.tallies_checked += len({cid for cid, _ in stored})


def _mark(stored: Stored) -> str:
    value, source, sheets = stored
    return f"{value} ({source})" if sheets == 1 else f"{value} ({source} ×{sheets})"


def _marks(ballots: dict[BallotKey, Stored], round_id: int) -> list[tally.Mark]:
    return [
        tally.Mark(pid, voter, value, source, sheets)
        for (rid, pid, voter), (value, source, sheets) in ballots.items()
        if rid == round_id
    ]


def _compare_tallies(
    report: Report,
    round_id: int | None,
    method: str,
    options: Options,
    logged: list[tally.Mark],
    table: list[tally.Mark],
) -> None:
    """Count both sets of marks the way the results page does, and name every proposal whose figures differ."""
    candidates = sorted({m.proposal_id for m in logged} | {m.proposal_id for m in table})
    from_log = tally.items_for(method, options, logged, candidates)
    from_table = tally.items_for(method, options, table, candidates)
    for pid in candidates:
        report.tallies_checked += 1
        a, b = from_log.get(pid, {}), from_table.get(pid, {})
        if a == b:
            continue
        params = {"proposal": pid, "log": _figures(a, b), "table": _figures(b, a)}
        if round_id is None:
            report.add(
                "tally_differs",
                N_("Support tally differs for proposal {proposal}: {log} from the log, {table} from the database."),
                **params,
            )
        else:
            report.add(
                "tally_differs",
                N_(
                    "Tally differs for proposal {proposal} in round {round}: {log} from the "
                    "log, {table} from the database."
                ),
                round=round_id,
                **params,
            )


def _figures(mine: dict[str, object], other: dict[str, object]) -> str:
    keys: Iterable[str] = [
        k for k in sorted(mine.keys() | other.keys()) if mine.get(k) != other.get(k) and k != "by_source"
    ] or ["by_source"]
    return ", ".join(f"{k} {json.dumps(mine.get(k, 0), sort_keys=True)}" for k in keys)
