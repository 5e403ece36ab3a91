"""The package's public names, and that it works offline (no pythainlp engine that downloads a model)."""

from __future__ import annotations

import socket

import pytest

import deliberate.thaitext as thaitext


def test_public_names() -> None:
    assert set(thaitext.__all__) == {
        "Match",
        "Pair",
        "frequencies",
        "is_stopword",
        "merge_suggestions",
        "similar",
        "wordcloud_svg",
        "words",
    }
    assert all(callable(getattr(thaitext, name)) for name in thaitext.__all__)


def test_everything_works_without_a_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    texts = ["อยากให้มีห้องสมุดเคลื่อนที่มาที่หมู่บ้านเดือนละครั้ง", "ห้องสมุดเคลื่อนที่สำหรับเด็กในหมู่บ้าน"]
    assert "ห้องสมุดเคลื่อนที่" in thaitext.words(texts[0])
    assert thaitext.similar(texts[0], [(1, texts[1])])
    assert thaitext.merge_suggestions(list(enumerate(texts)), threshold=0.1)
    assert "หมู่บ้าน" in thaitext.wordcloud_svg(thaitext.frequencies(texts))
