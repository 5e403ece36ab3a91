"""The brief and the minutes as PDF: A4, Sarabun embedded, page numbers from page two, and a text layer that
says exactly the Thai on the page (read back with pypdf and poppler's pdftotext).

Headings go through gettext and may still be English until the Thai catalogue has them, so the text
checks use the sample's own strings, or ask gettext for the heading in the brief's language.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import weasyprint
import weasyprint.draw.text as weasy_text
from pypdf import PdfReader
from pythainlp.tokenize import word_tokenize

from deliberate.briefs import render_pdf
from deliberate.briefs.officialese import digits
from deliberate.briefs.render_pdf import brief_pdf, minutes_pdf
from deliberate.i18n import gettext, language
from deliberate.settings import ROOT
from tests.briefs.sample import sample_brief, with_resolution

A4 = (595.28, 841.89)
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed: cannot read the PDF text layer"
)

PARTNER = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต"
CLAUSE = sample_brief()["proposals"][0]["clause"]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each rendering once per module: the sample in Thai, in English, and a sparse one in Arabic digits."""
    sparse = sample_brief(commitments=[], follow_up=[], opinion=None, rounds=[])
    out = tmp_path_factory.mktemp("pdf")
    files = {
        "brief": brief_pdf(sample_brief()),
        "minutes": minutes_pdf(sample_brief()),
        "english": brief_pdf(sample_brief(language="en")),
        "sparse_arabic": brief_pdf(sparse, thai_digits=False),
        "minutes_arabic": minutes_pdf(sample_brief(), thai_digits=False),
        "resolution": brief_pdf(with_resolution()),
    }
    for name, data in files.items():
        (out / f"{name}.pdf").write_bytes(data)
    return {name: out / f"{name}.pdf" for name in files}


def text_of(path: Path, page: int | None = None) -> str:
    """pdftotext's reading of the file, or of one page (from 1)."""
    assert PDFTOTEXT is not None
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *pages, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def collapsed(text: str) -> str:
    return " ".join(text.split())


def squashed(text: str) -> str:
    """Without any whitespace: Thai lines break without a space, so a wrapped phrase still matches."""
    return re.sub(r"\s+", "", text)


def th(message: str, **params: object) -> str:
    with language("th"):
        return gettext(message, **params)


def test_brief_is_a4_with_more_than_one_page(pdfs: dict[str, Path]) -> None:
    for name in ("brief", "english", "sparse_arabic"):
        reader = PdfReader(pdfs[name])
        assert len(reader.pages) > 1, name
        for page in reader.pages:
            box = page.mediabox
            assert sorted((round(float(box.width), 2), round(float(box.height), 2))) == list(A4), name
        first = reader.pages[0].mediabox
        assert float(first.width) < float(first.height), "the cover is portrait"


def test_minutes_are_a4_portrait(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["minutes"])
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4


def _fonts(resources: Any, seen: set[int]) -> list[Any]:
    """Every font dictionary reachable from a resource dictionary, including inside form XObjects."""
    found = []
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if id(xobject) not in seen and "/Resources" in xobject:
            seen.add(id(xobject))
            found += _fonts(xobject["/Resources"], seen)
    return found


def test_only_sarabun_is_used_and_it_is_embedded(pdfs: dict[str, Path]) -> None:
    for name in ("brief", "minutes", "english"):
        names = set()
        for page in PdfReader(pdfs[name]).pages:
            for font in _fonts(page.get("/Resources"), set()):
                names.add(str(font["/BaseFont"]).split("+")[-1])
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded in {name}"
        assert names == {"Sarabun", "Sarabun-Bold"}, (name, names)


@needs_pdftotext
def test_thai_text_layer_is_exact(pdfs: dict[str, Path]) -> None:
    raw = text_of(pdfs["brief"])
    text = squashed(raw)
    sample = sample_brief()
    needles = [
        sample["assembly"]["title"],  # ประจำปี ๒๕๖๙: Thai digits kept as characters
        PARTNER,  # ำ in สำนักงาน, ั้ and ่ stacked marks
        "ผู้สูงอายุ",  # ู + ้ on one consonant
        CLAUSE,
        sample["proposals"][1]["clause"],
        "ขุดลอกสระน้ำสาธารณะหมู่ที่ ๔",  # น้ำ: tone mark + SARA AM
        "กองทุนมีเงินไม่พอ ควรหาแหล่งทุนสมทบก่อน",  # a reservation, recorded verbatim
        "สำรวจอาคารว่างของ",  # a follow-up update (a table cell: lines of
        # neighbouring cells interleave in pdftotext)
        "จัดเวรอาสาสมัครดูแลวันละ ๒ คน",  # a commitment
    ]
    for needle in needles:
        assert squashed(needle) in text, needle
    assert "ขอให้เทศบาลนครภูเก็ต" in text
    assert "สานักงาน" not in text, "SARA AM must not read back as SARA AA"
    assert "\u200b" not in raw and "\u00a0" not in raw, "layout helpers must not leak into the text layer"


@needs_pdftotext
def test_official_date_and_page_numbers(pdfs: dict[str, Path]) -> None:
    cover = collapsed(text_of(pdfs["brief"], 1))
    assert "๑๕ พฤศจิกายน ๒๕๖๙" in cover
    assert not re.search(r"-\s*[0-9๐-๙]+\s*-", cover), "page one carries no number"
    assert "- ๒ -" in collapsed(text_of(pdfs["brief"], 2))
    assert "- ๓ -" in collapsed(text_of(pdfs["brief"], 3))
    minutes = collapsed(text_of(pdfs["minutes"]))
    assert "วันอาทิตย์ที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙" in minutes
    assert "๐๙.๐๐ น." in minutes and "๑๖.๓๐ น." in minutes


@needs_pdftotext
def test_arabic_digits_on_request(pdfs: dict[str, Path]) -> None:
    cover = collapsed(text_of(pdfs["sparse_arabic"], 1))
    assert "15 พฤศจิกายน 2569" in cover
    assert "- 2 -" in collapsed(text_of(pdfs["sparse_arabic"], 2))
    assert "- ๒ -" not in collapsed(text_of(pdfs["sparse_arabic"]))
    minutes = collapsed(text_of(pdfs["minutes_arabic"]))
    assert "วันอาทิตย์ที่ 15 พฤศจิกายน พ.ศ. 2569" in minutes and "09.00 น." in minutes
    assert th("Meeting no. {no}", no="1/2570") in minutes
    # One digit style per document: what people typed with Thai digits follows the Arabic choice too.
    assert not re.search("[๐-๙]", minutes) and "ผู้เข้าร่วมเสนอข้อเสนอ 3 เรื่อง" in minutes
    thai = collapsed(text_of(pdfs["minutes"]))
    assert not re.search("[0-9]", thai), re.findall(".{20}[0-9].{20}", thai)


@needs_pdftotext
def test_empty_sections_say_so(pdfs: dict[str, Path]) -> None:
    text = squashed(text_of(pdfs["sparse_arabic"]))
    assert squashed(th("This session had no statements to map.")) in text
    assert text.count(squashed(th("None yet."))) >= 2  # commitments and follow-up
    assert text.count(squashed(th("No voting round has been closed yet."))) == 2  # part 3 and annex B
    assert "จัดเวรอาสาสมัครดูแลวันละ" not in text
    assert squashed(CLAUSE) in text  # the rest is still there


@needs_pdftotext
def test_english_brief_is_english(pdfs: dict[str, Path]) -> None:
    text = collapsed(text_of(pdfs["english"]))
    for heading in (
        "Part 1: Summary of proposals",
        "Part 4: Proposals of the assembly",
        "Part 7: Follow-up",
        "Annex A: All proposals",
        "resolves as follows:",
        "15 November 2026",
    ):
        assert heading in text, heading
    assert "- 2 -" in collapsed(text_of(pdfs["english"], 2))
    assert squashed(CLAUSE) in squashed(text), "data stays in the language it was written in"


@needs_pdftotext
def test_minutes_follow_form_11(pdfs: dict[str, Path]) -> None:
    text = squashed(text_of(pdfs["minutes"]))
    minutes = sample_brief()["minutes"]
    in_order = [
        th("Minutes of {body}", body=minutes["body"]),
        th("Meeting no. {no}", no="๑/๒๕๗๐"),
        th("On {date}", date="วันอาทิตย์ที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙"),
        th("At {venue}", venue=minutes["venue"]),
        th("Present at the meeting"),
        "นางสมศรี ใจดี (สภาองค์กรชุมชนตำบลรัษฎา)",
        th("Absent from the meeting"),
        th("Also attending"),
        th("Meeting opened at"),
    ]
    for item in minutes["agenda"]:
        # One digit style in the whole document: the record's own numbers ("P11") too.
        in_order += [
            th("Agenda item {no}: {heading}", no=digits(item["no"], True), heading=item["heading"]),
            *(digits(text, True) for text in item["body"]),
            th("Resolution:"),
            digits(item["resolution"], True),
        ]
    in_order += [th("Meeting closed at"), th("Minutes taken by")]
    position = 0
    for needle in in_order:
        found = text.find(squashed(needle), position)
        assert found >= position, f"{needle!r} missing or out of order"
        position = found + len(squashed(needle))


def _breaks_inside(raw: str, needle: str) -> list[int]:
    """Where pdftotext's lines break inside `needle` (as offsets into it, spaces excluded from matching)."""
    chars = [(i, c) for i, c in enumerate(needle) if not c.isspace()]
    pattern = r"\s*".join(re.escape(c) for _, c in chars)
    breaks = []
    for match in re.finditer(pattern, raw):
        k = 0
        for pos in range(match.start(), match.end()):
            ch = raw[pos]
            if ch.isspace():
                if ch == "\n" and not needle[chars[k - 1][0] + 1].isspace():
                    breaks.append(chars[k][0])
            else:
                k += 1
    return sorted(set(breaks))


@needs_pdftotext
def test_no_thai_word_is_split_across_lines(pdfs: dict[str, Path]) -> None:
    raw = text_of(pdfs["brief"])
    sample = sample_brief()
    needles = [p["body"] for p in sample["proposals"]] + [p["clause"] for p in sample["proposals"] if p["clause"]]
    needles += [p["title"] for p in sample["proposals"]] + [
        PARTNER,
        sample["proposals"][0]["answer"]["reason"],
        sample["proposals"][0]["answer"]["programme"],
    ]
    checked = 0
    for needle in needles:
        for offset in _breaks_inside(raw, needle):
            checked += 1
            # The newmm words around the break, and the parts a long compound may break into.
            start = max(needle.rfind(" ", 0, offset) + 1, 0)
            end = needle.find(" ", offset)
            phrase = needle[start : end if end > 0 else len(needle)]
            cuts, at = set(), 0
            for word in render_pdf.thai_words_of(phrase):
                at += len(word)
                cuts.add(at)
            assert offset - start in cuts, (
                f"line break inside a word: {needle[start:offset]}|{needle[offset : end if end > 0 else None]} "
                f"(words: {'|'.join(word_tokenize(phrase, engine='newmm'))})"
            )
    assert checked > 0, "the sample should wrap somewhere, or this test checks nothing"
    for word in ("หน่วย\nงาน", "ข้อ\nเสนอ", "สนับ\nสนุน", "ผู้\nสูงอายุ"):
        assert word not in raw


def test_data_is_escaped_and_nothing_is_fetched(caplog: pytest.LogCaptureFixture) -> None:
    brief = sample_brief()
    brief["minutes"]["agenda"][0]["body"] = ['<img src="http://example.invalid/x.png"> <b>ตัวหนา</b>']
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = minutes_pdf(brief)
    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], "no fetch, no CSS warning"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<img" in text and "<b>" in text, "markup in the data is printed, not interpreted"


def test_fetcher_allows_only_repository_files() -> None:
    fetcher = render_pdf.RepositoryFiles()
    with pytest.raises(ValueError, match="local files only"):
        fetcher.fetch("https://fonts.googleapis.com/css?family=Sarabun")
    with pytest.raises(ValueError, match="outside the repository"):
        fetcher.fetch("file:///etc/passwd")
    font = render_pdf.FONTS["regular"]
    assert font.is_relative_to(ROOT) and font.exists()
    response = fetcher.fetch(font.as_uri())
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    finally:
        response.close()


def test_actual_text_patch_is_installed_once_and_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    render_pdf.install_actual_text()
    installed = weasy_text.draw_first_line
    render_pdf.install_actual_text()
    assert weasy_text.draw_first_line is installed
    assert getattr(installed, "deliberate_actual_text", False)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match="re-check"):
        render_pdf.install_actual_text()


@needs_pdftotext
def test_part_4_is_the_resolution_as_adopted(pdfs: dict[str, Path]) -> None:
    """Each agenda item's clauses as adopted with their level of agreement in the assembly's words, the
    answers of the sectors large enough to show, the reservations verbatim; the blocked clause listed as not
    adopted with why; the adopted clause's action item in part 7."""
    text = squashed(text_of(pdfs["resolution"]))
    part4 = text[text.index(squashed(th("Part {n}: Proposals of the assembly", n="๔"))) : text.index("ส่วนที่๕")]
    clauses = with_resolution()["resolution"]["items"][0]["clauses"]
    in_order = [
        "ระเบียบวาระที่๑การดูแลผู้สูงอายุโดยชุมชน",
        squashed(th("resolves as follows:")),
        "๑." + squashed(clauses[0]["text"]),
        "ระดับความเห็นพ้อง:มีข้อสงวน",
        "ภาคประชาชนและประชาสังคม:เห็นด้วย๑๑",
        "ควรให้ภาคเอกชนในพื้นที่ร่วมลงทุนด้วย",
        "๒." + squashed(clauses[1]["text"]),
        "ระดับความเห็นพ้อง:ฉันทามติ",
        squashed(th("Clauses not adopted")),
        squashed(clauses[2]["text"]),
        "ไม่ได้รับรอง",
        "รถโดยสารเอกชนจะแบกรับภาระไม่ไหว",
    ]
    position = 0
    for needle in in_order:
        found = part4.find(needle, position)
        assert found >= position, f"{needle!r} missing or out of order"
        position = found + len(needle)
    assert "มีผู้สนับสนุนบางส่วน" not in part4  # the staff answers' labels are not the resolution's
    part7 = text[text.index("ส่วนที่๗") :]
    assert "มติวาระที่๑ข้อ๑:" + squashed(with_resolution()["follow_up"][1]["title"]) in part7


@needs_pdftotext
def test_opposing_comments_are_not_reservations(pdfs: dict[str, Path]) -> None:
    """Without a resolution, part 4 lists the carried proposals; the comments against them are
    ความเห็นแย้ง: ข้อสงวน is what an assembly records when it adopts a clause."""
    text = squashed(text_of(pdfs["brief"]))
    part4 = text[text.index("ส่วนที่๔") : text.index("ส่วนที่๕")]
    assert "ความเห็นแย้ง" in part4 and "ข้อสงวน" not in part4
