"""A session's resolutions as PDF and DOCX (deliberate/resolutions/render.py), from the real export in
sample_resolution.json: A4, Sarabun embedded, a text layer with exactly the Thai of the clauses, removed
clauses left unnumbered, the amendment diff as struck-through and underlined words.

Labels go through gettext and may still be English until the Thai catalogue has them, so checks on labels
ask gettext for the Thai (`th(...)`); the clause texts and reservations are the sample's own strings.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from deliberate.briefs import render_pdf
from deliberate.briefs.officialese import Voice
from deliberate.i18n import gettext, language
from deliberate.resolutions.render import level_of_agreement, outline, resolution_docx, resolution_pdf

SAMPLE = Path(__file__).with_name("sample_resolution.json")
A4 = (595.28, 841.89)
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed: cannot read the PDF text layer"
)

CLAUSE_1 = "ขอให้องค์การบริหารส่วนจังหวัดร่วมกับเทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุติดเตียงภายในปี ๒๕๗๐"
CLAUSE_2 = "ขอให้สภาองค์กรชุมชนจัดอาสาสมัครเยี่ยมบ้านทุกสัปดาห์"
CLAUSE_3 = "ขอให้รายงานความก้าวหน้าต่อสมัชชาครั้งต่อไป"
RESERVATION = "ควรกำหนดงบประมาณให้ชัดเจน"
REMOVED = "ขอให้จัดงบประมาณเบี้ยยังชีพเพิ่มเติมทุกตำบล"
HOSTILE = 'ขอให้เผยแพร่ <b>รายงาน</b> & "ข้อมูล" <script>x</script>'


def sample(**changes: Any) -> dict[str, Any]:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def with_removed_clause() -> dict[str, Any]:
    """The sample with a clause removed by amendment between clauses 1 and 2, numbered as the export does."""
    data = sample()
    clauses = data["items"][0]["clauses"]
    removed = copy.deepcopy(clauses[2])
    removed.update(
        id=99,
        number=None,
        text=REMOVED,
        status="removed",
        reservations=[],
        last_check=None,
        amendments=[
            {
                "id": 98,
                "op": "delete",
                "op_label": "",
                "text": "",
                "reason": "ซ้ำกับข้อ ๑",
                "base_version": 1,
                "status": "accepted",
                "backers": 3,
                "diff": [],
                "created_at": None,
                "decided_at": None,
            }
        ],
        history=[{"version": 1, "text": REMOVED, "status": "open", "amendment_id": None}],
    )
    clauses.insert(1, removed)
    clauses[2]["text"] = HOSTILE  # and a clause that must come out as text, not markup
    return data


def th(message: str, **params: object) -> str:
    with language("th"):
        return gettext(message, **params)


def squashed(text: str) -> str:
    """Without whitespace: Thai lines wrap without a space, so a wrapped clause still matches whole."""
    return re.sub(r"\s+", "", text)


def text_of(path: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("resolution")
    files = {
        "th": resolution_pdf(sample()),
        "en": resolution_pdf(sample(language="en")),
        "removed": resolution_pdf(with_removed_clause()),
    }
    for name, data in files.items():
        (out / f"{name}.pdf").write_bytes(data)
    return {name: out / f"{name}.pdf" for name in files}


def _font_names(resources: Any) -> set[str]:
    """Embedded font names of a page (WeasyPrint puts text straight on the page)."""
    names = set()
    for font in ((resources.get_object() if resources is not None else {}).get("/Font") or {}).values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), f"{font['/BaseFont']} is not embedded"
        names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_pdf_is_a4_with_sarabun_embedded(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["th"])
    assert len(reader.pages) >= 1
    names: set[str] = set()
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
        names |= _font_names(page.get("/Resources"))
    assert names == {"Sarabun", "Sarabun-Bold"}
    assert reader.metadata.title == th("Resolution of {assembly}", assembly=sample()["assembly"]["title"])


@needs_pdftotext
def test_pdf_text_has_the_clauses_exactly_numbered_in_thai(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["th"])
    body, _, annex = text.partition(th("Annex: History of the amendments to the clauses"))
    assert annex, "the annex follows the resolution"
    assert "จึงมีมติ" in body
    assert th("Agenda item {no}: {heading}", no="๑", heading="การดูแลผู้สูงอายุโดยชุมชน") in body
    assert squashed(
        th(
            "{assembly}, having considered the report on {title},",
            assembly="สมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี ๒๕๖๙",
            title="การดูแลผู้สูงอายุโดยชุมชน",
        )
    ) in squashed(body)
    assert "ตระหนักว่าผู้สูงอายุที่อยู่ลำพังต้องการการดูแลใกล้บ้าน" in body
    flat = squashed(body)
    for number, clause in (("๑.", CLAUSE_1), ("๒.", CLAUSE_2), ("๓.", CLAUSE_3)):
        assert number + squashed(clause) in flat
    assert flat.index(squashed(CLAUSE_1)) < flat.index(squashed(CLAUSE_2)) < flat.index(squashed(CLAUSE_3))
    assert th("Reservation: {text}", text=RESERVATION) in body
    assert th("Level of agreement: {level}", level=th("Consensus, with reservations")) in body
    assert th("Level of agreement: {level}", level=th("Not yet settled")) in body
    assert th("Lead agency:") + " เทศบาลตำบลวิชิต" in body
    assert "พ.ศ. ๒๕๖๙" in body and "2569" not in text  # Thai digits in prose
    # The annex: every amendment with its reason and decision, and each version of clause 1.
    for reason in ("ให้ อบจ. ร่วมงบประมาณ", "ต้องการให้เร็วขึ้น", "อพม. มีรายชื่อผู้สูงอายุ"):
        assert th("Reason: {reason}", reason=reason) in annex
    assert th("Decision: {status}", status=th("Amendment rejected")) in annex
    assert squashed(th("Version {n} (the draft)", n="๑") + ": ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๗๐") in squashed(annex)


@needs_pdftotext
def test_removed_clause_is_not_numbered_and_text_is_escaped(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["removed"])
    body, _, annex = text.partition(th("Annex: History of the amendments to the clauses"))
    flat = squashed(body)
    assert squashed(REMOVED) not in flat, "a removed clause is not part of the resolution"
    assert "๑." + squashed(CLAUSE_1) in flat
    assert "๒." + squashed(HOSTILE) in flat, "the clause after the removed one is number ๒, its markup shown as text"
    assert "๓." + squashed(CLAUSE_3) in flat and "๔." not in flat
    assert squashed(th("Removed clause") + " " + REMOVED) in squashed(annex)


@needs_pdftotext
def test_english_pdf_has_english_headings(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["en"])
    for heading in (
        "Resolution of",
        "Agenda item 1:",
        "resolves as follows:",
        "Level of agreement: Consensus, with reservations",
        "Annex: History of the amendments to the clauses",
        "Amendment 2 (New wording)",
    ):
        assert heading in text
    assert "จึงมีมติ" not in text and "ระเบียบวาระ" not in text
    assert "1." + squashed(CLAUSE_1) in squashed(text)
    assert "15 November 2026" in text


def test_print_html_marks_the_diff_and_escapes() -> None:
    """The template's diff: deletions in <del>, insertions in <ins> (struck and underlined in print)."""
    data = with_removed_clause()
    with language("th"):
        html = (
            render_pdf.environment()
            .get_template("resolutions/resolution_print.html")
            .render(brief=data, lang="th", f=Voice("th", True, unbroken=True), fonts={}, doc=outline(data))
        )
    assert "<del>๒๕๗๐</del><ins>๒๕๖๙</ins>" in html
    assert "<ins>ติดเตียง</ins>" in html
    assert f"<del>{REMOVED}</del>" in html, "a clause removed by amendment shows its text struck through"
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "del { text-decoration: line-through" in html and "ins { text-decoration: underline" in html


def test_level_of_agreement() -> None:
    with language("en"):
        assert level_of_agreement({"status": "adopted", "reservations": []}) == "Consensus (no reservations)"
        assert level_of_agreement({"status": "adopted", "reservations": ["x"]}) == "Consensus, with reservations"
        assert level_of_agreement({"status": "open", "reservations": ["x"]}) == "Not yet settled"
        assert level_of_agreement({"status": "not_adopted", "reservations": []}) == "Not yet settled"


# --- DOCX ---------------------------------------------------------------------------------------------------


def docx_of(data: dict[str, Any], **kwargs: Any) -> Any:
    return Document(io.BytesIO(resolution_docx(data, **kwargs)))


def paragraphs(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_docx_has_the_clauses_the_diff_and_the_thai_font() -> None:
    doc = docx_of(sample())
    texts = paragraphs(doc)
    assert "๑. " + CLAUSE_1 in texts
    assert "จึงมีมติดังต่อไปนี้" in texts
    assert th("Reservation: {text}", text=RESERVATION) in texts
    assert texts.index("๑. " + CLAUSE_1) < texts.index(th("Annex: History of the amendments to the clauses"))
    runs = [r for p in doc.paragraphs for r in p.runs]
    struck = [r.text for r in runs if r.font.strike]
    underlined = [r.text for r in runs if r.font.underline]
    assert struck == ["๒๕๗๐"], "the word the rejected amendment would delete"
    assert "ติดเตียง" in underlined and "๒๕๖๙" in underlined
    clause = doc.paragraphs[texts.index("๑. " + CLAUSE_1)]
    assert not any(r.font.strike or r.font.underline for r in clause.runs), "the resolution itself has no diff marks"
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == "TH SarabunIT๙"
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 2.0)


def test_docx_removed_clause_and_arabic_digits() -> None:
    texts = paragraphs(docx_of(with_removed_clause(), thai_digits=False))
    assert "1. " + CLAUSE_1 in texts and "2. " + HOSTILE in texts and "3. " + CLAUSE_3 in texts
    assert not any(t.startswith("4. ") for t in texts)
    assert not any(REMOVED in t for t in texts[: texts.index("3. " + CLAUSE_3)])
    assert th("Removed clause") + " " + REMOVED in texts


def test_docx_in_english() -> None:
    doc = docx_of(sample(language="en"))
    texts = paragraphs(doc)
    assert "resolves as follows:" in texts and "1. " + CLAUSE_1 in texts
    assert "Annex: History of the amendments to the clauses" in texts
    assert doc.core_properties.title.startswith("Resolution of ")
