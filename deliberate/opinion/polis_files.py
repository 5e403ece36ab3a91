"""Reading a Pol.is open-data export folder (comments.csv, votes.csv, participants-votes.csv, summary.csv).

Export conventions: +1 agree, -1 disagree, 0 pass; `moderated` is 1 accepted, 0 unmoderated, -1 rejected.
The votes come from votes.csv (every vote event) or, without it, from participants-votes.csv (the latest vote
per participant and comment, rows in export order). comments.csv adds the text and moderation; without it the
comments are the matrix's columns, unmoderated, with no text. participants-votes.csv also carries Pol.is' own
groups, which the tests compare against. Column order varies between export versions, so columns are found by
name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from deliberate.opinion.matrix import VoteMatrix, vote_matrix_from_arrays


class PolisFormatError(ValueError):
    """A Pol.is export file that cannot be read; `line` is 1-based (the header is line 1)."""

    def __init__(self, file: str | Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = str(file)
        self.line = line
        self.message = message


class PolisVote(NamedTuple):
    timestamp: int  # milliseconds since the epoch
    voter_id: int
    comment_id: int
    vote: int


@dataclass
class PolisComment:
    comment_id: int
    author_id: int
    timestamp: int
    body: str
    agrees: int  # vote events, re-votes included
    disagrees: int
    moderated: int
    is_meta: bool = False
    is_seed: bool = False
    group_informed_consensus: float | None = None


@dataclass
class PolisParticipant:
    participant_id: int
    group_id: int | None  # Pol.is' group at export time; None when not clustered
    xid: str | None = None


@dataclass
class ParticipantVotes:
    """participants-votes.csv's matrix: latest votes, NaN where a participant did not vote."""

    participant_ids: list[int]
    comment_ids: list[int]
    values: np.ndarray


@dataclass
class PolisExport:
    folder: Path
    comments: list[PolisComment]
    votes: list[PolisVote]  # empty when the export has no votes.csv
    participants: list[PolisParticipant] = field(default_factory=list)  # export row order
    summary: dict[str, str] = field(default_factory=dict)
    latest: ParticipantVotes | None = None  # read when votes.csv is missing

    def latest_votes(self) -> list[tuple[int, int, int, int]]:
        """(voter id, comment id, vote, rank): each participant's latest vote per comment, in the order a
        participant first voted (votes.csv) or in export row order (participants-votes.csv alone)."""
        if self.latest is None:
            last: dict[tuple[int, int], tuple[int, int]] = {}
            first: dict[tuple[int, int], int] = {}
            for v in self.votes:
                key = (v.voter_id, v.comment_id)
                first[key] = min(first.get(key, v.timestamp), v.timestamp)
                if key not in last or v.timestamp >= last[key][0]:
                    last[key] = (v.timestamp, v.vote)
            return [(pid, cid, vote, first[(pid, cid)]) for (pid, cid), (_, vote) in last.items()]
        rows, cols = np.nonzero(~np.isnan(self.latest.values))
        return [
            (self.latest.participant_ids[r], self.latest.comment_ids[c], int(self.latest.values[r, c]), int(r))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ]

    @property
    def moderated_out(self) -> set[int]:
        return {c.comment_id for c in self.comments if c.moderated == -1}

    @property
    def meta(self) -> set[int]:
        return {c.comment_id for c in self.comments if c.is_meta}

    def vote_matrix(self) -> VoteMatrix:
        """Latest vote per pair, rejected and meta comments marked for exclusion; rows by first vote, or in
        export order when only participants-votes.csv is there."""
        if self.latest is None:
            arr = np.array(self.votes, dtype=np.int64).reshape(-1, 4)
            pids, cids, vals, times = arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 0]
        else:
            rows, cols = np.nonzero(~np.isnan(self.latest.values))
            pids = np.asarray(self.latest.participant_ids, dtype=np.int64)[rows]
            cids = np.asarray(self.latest.comment_ids, dtype=np.int64)[cols]
            vals, times = self.latest.values[rows, cols], rows.astype(float)
        return vote_matrix_from_arrays(pids, cids, vals, times, moderated_out=self.moderated_out, meta=self.meta)

    def polis_groups(self) -> dict[int, list[int]]:
        """Pol.is' groups at export time: {group id: participant ids}, from participants-votes.csv."""
        out: dict[int, list[int]] = {}
        for p in self.participants:
            if p.group_id is not None:
                out.setdefault(p.group_id, []).append(p.participant_id)
        return dict(sorted(out.items()))


def _records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line number, row by column name); checks every row has as many fields as the header."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise PolisFormatError(path, 0, f"cannot open: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise PolisFormatError(path, 1, "empty file, expected a header row")
            header = [h.strip() for h in header]
            start = reader.line_num + 1
            for row in reader:
                if row == []:  # a blank line
                    start = reader.line_num + 1
                    continue
                if len(row) != len(header):
                    raise PolisFormatError(path, start, f"expected {len(header)} fields, found {len(row)}")
                yield start, dict(zip(header, row, strict=True))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise PolisFormatError(path, reader.line_num, f"malformed CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise PolisFormatError(path, reader.line_num + 1, "not UTF-8 text") from exc


def _require(path: Path, line: int, row: dict[str, str], names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in row]
    if missing:
        raise PolisFormatError(path, 1, f"missing column(s): {', '.join(missing)}")


def _int(path: Path, line: int, row: dict[str, str], name: str) -> int:
    text = row[name].strip()
    try:
        return int(text)
    except ValueError:
        raise PolisFormatError(path, line, f"{name}: expected an integer, found {text!r}") from None


def _bool(path: Path, line: int, row: dict[str, str], name: str) -> bool:
    text = row.get(name, "").strip().lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise PolisFormatError(path, line, f"{name}: expected true or false, found {text!r}")


def _float_or_none(path: Path, line: int, row: dict[str, str], name: str) -> float | None:
    text = row.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise PolisFormatError(path, line, f"{name}: expected a number, found {text!r}") from None


COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")


def read_comments(path: Path) -> list[PolisComment]:
    comments: list[PolisComment] = []
    seen: set[int] = set()
    for line, row in _records(path):
        _require(path, line, row, COMMENT_COLUMNS)
        comment = PolisComment(
            comment_id=_int(path, line, row, "comment-id"),
            author_id=_int(path, line, row, "author-id"),
            timestamp=_int(path, line, row, "timestamp"),
            body=row["comment-body"],
            agrees=_int(path, line, row, "agrees"),
            disagrees=_int(path, line, row, "disagrees"),
            moderated=_int(path, line, row, "moderated"),
            is_meta=_bool(path, line, row, "is-meta"),
            is_seed=_bool(path, line, row, "is-seed"),
            group_informed_consensus=_float_or_none(path, line, row, "group-informed-consensus"),
        )
        if comment.moderated not in (-1, 0, 1):
            raise PolisFormatError(path, line, f"moderated: expected -1, 0 or 1, found {comment.moderated}")
        if comment.comment_id in seen:
            raise PolisFormatError(path, line, f"duplicate comment-id {comment.comment_id}")
        seen.add(comment.comment_id)
        comments.append(comment)
    return comments


def read_votes(path: Path) -> list[PolisVote]:
    votes: list[PolisVote] = []
    for line, row in _records(path):
        _require(path, line, row, VOTE_COLUMNS)
        vote = _int(path, line, row, "vote")
        if vote not in (-1, 0, 1):
            raise PolisFormatError(path, line, f"vote: expected -1, 0 or 1, found {vote}")
        votes.append(
            PolisVote(
                timestamp=_int(path, line, row, "timestamp"),
                voter_id=_int(path, line, row, "voter-id"),
                comment_id=_int(path, line, row, "comment-id"),
                vote=vote,
            )
        )
    return votes


def read_participants(path: Path) -> list[PolisParticipant]:
    out: list[PolisParticipant] = []
    for line, row in _records(path):
        _require(path, line, row, ("participant", "group-id"))
        group = row["group-id"].strip()
        out.append(
            PolisParticipant(
                participant_id=_int(path, line, row, "participant"),
                group_id=_int(path, line, row, "group-id") if group else None,
                xid=row.get("xid") or None,
            )
        )
    return out


def read_participant_votes(path: Path) -> tuple[list[int], list[int], np.ndarray]:
    """The export's latest-vote matrix: (participant ids, comment ids, values with NaN for not voted)."""
    fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
    pids: list[int] = []
    rows: list[list[float]] = []
    cids: list[int] | None = None
    for line, row in _records(path):
        if cids is None:
            names = [k for k in row if k not in fixed]
            try:
                cids = [int(k) for k in names]
            except ValueError:
                raise PolisFormatError(path, 1, "vote columns must be comment ids") from None
        pids.append(_int(path, line, row, "participant"))
        cells: list[float] = []
        for cid in cids:
            text = row[str(cid)].strip()
            if not text:
                cells.append(np.nan)
            elif text in ("-1", "0", "1"):
                cells.append(float(text))
            else:
                raise PolisFormatError(path, line, f"column {cid}: expected -1, 0, 1 or empty, found {text!r}")
        rows.append(cells)
    values = np.array(rows, dtype=float).reshape(len(pids), len(cids or []))
    return pids, cids or [], values


def read_summary(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        start = 1
        for row in reader:
            if row:
                if len(row) < 2:
                    raise PolisFormatError(path, start, "expected a key and a value")
                out[row[0].strip()] = row[1]
            start = reader.line_num + 1
    return out


def read_polis_export(folder: str | Path) -> PolisExport:
    """Read a Pol.is export folder; raises PolisFormatError (file, line, message) on malformed content.

    It needs votes.csv or participants-votes.csv; comments.csv and summary.csv are read when present.
    """
    root = Path(folder)
    if not root.is_dir():
        raise PolisFormatError(root, 0, "not a folder")
    votes_file = root / "votes.csv"
    participants_file = root / "participants-votes.csv"
    comments_file = root / "comments.csv"
    summary_file = root / "summary.csv"
    if not votes_file.is_file() and not participants_file.is_file():
        raise PolisFormatError(root / "participants-votes.csv", 0, "file not found (nor votes.csv)")
    latest = None
    if not votes_file.is_file():
        latest = ParticipantVotes(*read_participant_votes(participants_file))
    comments = read_comments(comments_file) if comments_file.is_file() else []
    if latest is not None:
        known = {c.comment_id for c in comments}
        votes = latest.values
        comments += [
            PolisComment(
                comment_id=cid,
                author_id=-1,
                timestamp=0,
                body="",
                agrees=int((votes[:, j] == 1).sum()),
                disagrees=int((votes[:, j] == -1).sum()),
                moderated=0,
            )
            for j, cid in enumerate(latest.comment_ids)
            if cid not in known
        ]
    return PolisExport(
        folder=root,
        comments=comments,
        votes=read_votes(votes_file) if latest is None else [],
        participants=read_participants(participants_file) if participants_file.is_file() else [],
        summary=read_summary(summary_file) if summary_file.is_file() else {},
        latest=latest,
    )
