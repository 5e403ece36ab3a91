"""The opinion benchmark prints one JSON line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deliberate.bench.opinion import main
from tests.opinion.conftest import POLIS_DATA


def test_synthetic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--synthetic", "400x60", "--repeat", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["participants"] == 400 and report["statements"] == 60
    assert report["compute_p50_s"] <= report["compute_max_s"]
    assert 1 <= report["groups"] <= 5 and report["peak_rss_mb"] > 0
    assert -1 <= report["ari_vs_latent"] <= 1


def test_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dataset", str(POLIS_DATA / "bg2050-volunteers"), "--repeat", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["participants"] == 126 and report["groups"] == 2
    assert report["ari_vs_polis"] > 0.5


def test_bad_shape() -> None:
    with pytest.raises(SystemExit):
        main(["--synthetic", "lots"])


def test_parity_prints_each_conversation_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    folders = [str(POLIS_DATA / "bg2050-volunteers"), str(POLIS_DATA / "15-per-hour-seattle")]
    assert main(["--parity", *folders, "--orders", "2"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [line["bench"] for line in lines] == ["opinion-parity", "opinion-parity", "opinion-parity-summary"]
    for line in lines[:2]:
        assert line["orders"] == 2 and line["groups"] == [line["polis_groups"]] == [2]
        assert line["ari_min"] <= line["ari_median"] <= line["ari_max"]
    assert lines[2]["group_count_equal"] == 2 and lines[2]["median_of_medians"] >= 0.5


def test_unreadable_dataset_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--dataset", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "participants-votes.csv:0: file not found" in err
