"""The opinion benchmark prints one JSON line."""

from __future__ import annotations

import json

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
