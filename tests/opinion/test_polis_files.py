"""Reading Pol.is export folders, and clear errors for malformed ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from deliberate.opinion import PolisFormatError, read_polis_export
from tests.opinion.conftest import Conversation

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1,x,1,0,1,0,1,"first, with a comma"\n'
    '2,x,2,0,0,1,-1,"second\nover two lines"\n'
    "3,x,3,0,0,0,0,third\n"
)
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n10,x,1,5,1\n11,x,2,5,-1\n12,x,1,6,0\n"


def folder(tmp_path: Path, comments: str = COMMENTS, votes: str = VOTES) -> Path:
    (tmp_path / "comments.csv").write_text(comments, encoding="utf-8")
    (tmp_path / "votes.csv").write_text(votes, encoding="utf-8")
    return tmp_path


def test_minimal_folder(tmp_path: Path) -> None:
    export = read_polis_export(folder(tmp_path))
    assert [c.comment_id for c in export.comments] == [1, 2, 3]
    assert export.comments[1].body == "second\nover two lines"
    assert export.moderated_out == {2}
    assert export.participants == [] and export.summary == {}
    m = export.vote_matrix()
    assert m.participant_ids == [5, 6] and m.statement_ids == [1, 2]
    assert m.moderated_out.tolist() == [False, True]


def test_real_exports_are_read(bg2050: Conversation, vtaiwan: Conversation) -> None:
    assert len(bg2050.export.votes) == 14341
    assert bg2050.export.summary["groups"] == "2"
    assert any(c.is_meta for c in bg2050.export.comments)
    assert len(vtaiwan.export.participants) == 1921
    assert sum(len(v) for v in vtaiwan.export.polis_groups().values()) == 1219


@pytest.mark.parametrize(
    ("votes", "line", "message"),
    [
        ("timestamp,datetime,comment-id,voter-id,vote\n10,x,1,5,1\n11,x,2,5,2\n", 3, "vote: expected -1, 0 or 1"),
        ("timestamp,datetime,comment-id,voter-id,vote\n10,x,1,5,1\n11,x,2,five,1\n", 3, "voter-id: expected an"),
        ("timestamp,datetime,comment-id,voter-id,vote\n10,x,1,5\n", 2, "expected 5 fields, found 4"),
        ("timestamp,datetime,comment-id,vote\n10,x,1,1\n", 1, "missing column(s): voter-id"),
        ("", 1, "empty file"),
    ],
)
def test_malformed_votes(tmp_path: Path, votes: str, line: int, message: str) -> None:
    with pytest.raises(PolisFormatError) as caught:
        read_polis_export(folder(tmp_path, votes=votes))
    assert caught.value.file.endswith("votes.csv")
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{caught.value.file}:{line}: ")


def test_line_numbers_count_multiline_fields(tmp_path: Path) -> None:
    bad = COMMENTS + "4,x,4,0,0,0,7,fourth\n"
    with pytest.raises(PolisFormatError) as caught:
        read_polis_export(folder(tmp_path, comments=bad))
    assert caught.value.line == 6
    assert "moderated" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(COMMENTS, encoding="utf-8")
    with pytest.raises(PolisFormatError, match=r"participants-votes.csv:0: file not found \(nor votes.csv\)"):
        read_polis_export(tmp_path)
    with pytest.raises(PolisFormatError, match="not a folder"):
        read_polis_export(tmp_path / "nowhere")


def test_participants_votes_alone_give_the_same_matrix(tmp_path: Path, bg2050: Conversation) -> None:
    """Without votes.csv (and even without comments.csv) the latest votes come from participants-votes.csv."""
    source = bg2050.export.folder
    for name in ("comments.csv", "participants-votes.csv"):
        shutil.copy(source / name, tmp_path / name)
    export = read_polis_export(tmp_path)
    assert export.votes == [] and export.latest is not None
    m = export.vote_matrix()
    voted = ~np.isnan(export.latest.values).all(axis=1)
    assert m.participant_ids == [p for p, v in zip(export.latest.participant_ids, voted, strict=True) if v]
    assert m.statement_ids == bg2050.matrix.statement_ids
    assert m.excluded.tolist() == bg2050.matrix.excluded.tolist()
    row = {pid: i for i, pid in enumerate(bg2050.matrix.participant_ids)}
    np.testing.assert_array_equal(m.values, bg2050.matrix.values[[row[p] for p in m.participant_ids]])
    assert len(export.latest_votes()) == int((~np.isnan(m.values)).sum())

    (tmp_path / "comments.csv").unlink()
    bare = read_polis_export(tmp_path)
    assert [c.comment_id for c in bare.comments] == m.statement_ids
    assert not bare.moderated_out
    np.testing.assert_array_equal(bare.vote_matrix().values, m.values)


def test_malformed_participants_votes(tmp_path: Path) -> None:
    (tmp_path / "participants-votes.csv").write_text("participant,group-id,1\n5,,1\n6,,maybe\n", encoding="utf-8")
    with pytest.raises(PolisFormatError, match=r"participants-votes.csv:3: column 1: expected -1, 0, 1 or empty"):
        read_polis_export(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_bytes(b"timestamp,datetime,comment-id,voter-id,vote\n10,\xff\xfe,1,5,1\n")
    (tmp_path / "comments.csv").write_text(COMMENTS, encoding="utf-8")
    with pytest.raises(PolisFormatError, match="not UTF-8"):
        read_polis_export(tmp_path)
