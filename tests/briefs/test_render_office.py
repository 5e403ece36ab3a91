"""The editable renderings of the brief: DOCX (brief, cover memo, minutes), XLSX, CSV and Markdown.

Each test renders `sample_brief()` (or a variant) and reads the file back with the library an official's
software would use: python-docx, openpyxl, the csv module. No database.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import Table

from deliberate.actors import Actor
from deliberate.briefs.render_docx import FONT, brief_docx, minutes_docx
from deliberate.briefs.render_md import brief_markdown, md_escape
from deliberate.briefs.render_tables import CSV_SHEETS, SHEETS, brief_csv, brief_xlsx, is_formula_like, sheets
from deliberate.i18n import catalogue, gettext, language
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Session
from deliberate.sessions.services import assisted_participant
from deliberate.supports.services import add_support
from tests.briefs.sample import sample_brief
from tests.conftest import Api, on_team

# The Thai the assertions below read, for msgids whose translation may not be merged into the catalogue yet
# (an existing translation is left as it is, so once merged these tests check the real catalogue).
THAI = {
    "Memorandum": "บันทึกข้อความ",
    "For your consideration.": "จึงเรียนมาเพื่อโปรดพิจารณา",
    "Policy proposals from {title}": "ข้อเสนอเชิงนโยบายจาก{title}",
    "resolves as follows:": "จึงมีมติดังต่อไปนี้",
    "Part {n}: Summary of proposals": "ส่วนที่ {n} สรุปข้อเสนอ",
    "Minutes of {body}": "รายงานการประชุม{body}",
    "Present at the meeting": "ผู้มาประชุม",
    "Meeting opened at": "เริ่มประชุมเวลา",
    "Resolution:": "มติที่ประชุม",
    "Meeting closed at": "เลิกประชุมเวลา",
    "Minutes taken by": "ผู้จดรายงานการประชุม",
    "Meeting no. {no}": "ครั้งที่ {no}",
    "On {date}": "เมื่อ {date}",
    "At {venue}": "ณ {venue}",
    "Agenda item {no}: {heading}": "ระเบียบวาระที่ {no} {heading}",
    "{n} people": "{n} คน",
    "{n} person": "{n} คน",
    "None yet.": "ยังไม่มี",
    "Rank": "ลำดับ",
    "Ref.": "รหัส",
    "Part {n}: Background and participation": "ส่วนที่ {n} ความเป็นมาและการมีส่วนร่วม",
    "Part {n}: Findings by strategic issue": "ส่วนที่ {n} ผลการพิจารณารายประเด็นยุทธศาสตร์",
    "Part {n}: Proposals of the assembly": "ส่วนที่ {n} ข้อเสนอของสมัชชา",
    "Part {n}: Commitments to act": "ส่วนที่ {n} การร่วมทำ",
    "Part {n}: Proposals for the provincial development plan": "ส่วนที่ {n} ข้อเสนอต่อแผนพัฒนาจังหวัด",
    "Part {n}: Follow-up": "ส่วนที่ {n} การติดตามผล",
}
EMPTY = {"commitments": [], "follow_up": [], "plan_rows": [], "opinion": None}
HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =1+1"]
THAI_DIGIT = re.compile("[๐-๙]")


@pytest.fixture(scope="module", autouse=True)
def thai_words() -> Iterator[None]:
    table = catalogue("th")
    with pytest.MonkeyPatch.context() as patch:
        for msgid, thai in THAI.items():
            if not table.get(msgid):
                patch.setitem(table, msgid, thai)
        yield


def docx(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def text_of(doc: DocumentObject) -> str:
    """All paragraph text, in tables too, in document order."""
    out = []
    for element in doc.element.body.iter(qn("w:p")):
        out.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
    return "\n".join(out)


def tables_by_section(doc: DocumentObject) -> list[tuple[int, Table]]:
    """(index of the section it sits in, table) for each top-level table."""
    section, out = 0, []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            out.append((section, Table(element, doc)))
        elif element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            section += 1
    return out


ZWSP = "\u200b"  # the word breaks a DOCX table cell carries (Word and LibreOffice break there alike)


def table_text(table: Table) -> str:
    return " ".join(cell.text.replace(ZWSP, "") for row in table.rows for cell in row.cells)


def margins_cm(section: Any) -> tuple[float, ...]:
    """Left, right, top, bottom in cm (stored in twips, so compared to the millimetre)."""
    return tuple(
        round(m.cm, 2) for m in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    )


def plan_tables(doc: DocumentObject) -> list[tuple[int, Table]]:
    with language("th"):
        header = gettext("Project and rationale")
    return [(i, t) for i, t in tables_by_section(doc) if header in [c.text.replace(ZWSP, "") for c in t.rows[0].cells]]


def rfonts(element: Any) -> Any:
    return element.find(qn("w:rPr")).find(qn("w:rFonts"))


# --- DOCX: the brief -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brief_file() -> bytes:
    return brief_docx(sample_brief())


def test_docx_has_every_resolution_clause_in_order(brief_file: bytes) -> None:
    text = text_of(docx(brief_file))
    clauses = [p["clause"] for p in sample_brief()["proposals"] if p["clause"]]
    positions = [text.index(clause) for clause in clauses]
    assert positions == sorted(positions)
    with language("th"):
        assert text.index(gettext("resolves as follows:")) < positions[0]
    assert "จึงมีมติดังต่อไปนี้" in text
    assert "กองทุนมีเงินไม่พอ ควรหาแหล่งทุนสมทบก่อน" in text  # the reservation under clause ๒
    assert f"๑. {clauses[0]}" in text  # Thai digits in the numbering


def test_docx_sections_come_in_the_pdfs_order(brief_file: bytes) -> None:
    text = text_of(docx(brief_file))
    with language("th"):
        parts = [
            gettext("Part {n}: Summary of proposals", n="๑"),
            "ส่วนที่ ๒",
            "ส่วนที่ ๓",
            "ส่วนที่ ๔",
            "ส่วนที่ ๕",
            "ส่วนที่ ๖",
            "ส่วนที่ ๗",
        ]
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)
    assert text.rindex("ab" * 32) > positions[-1]  # the content hash at the end
    assert "http://testserver/api/v1/sessions/AB12CD/brief.json" in text


def test_docx_fonts_are_th_sarabun_it9_in_the_complex_script_slot(brief_file: bytes) -> None:
    doc = docx(brief_file)
    normal = doc.styles["Normal"].element
    fonts = rfonts(normal)
    for slot in ("w:cs", "w:ascii", "w:hAnsi", "w:eastAsia"):
        assert fonts.get(qn(slot)) == FONT
    assert fonts.get(qn("w:hint")) == "cs"
    rpr = normal.find(qn("w:rPr"))
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    assert doc.styles["Normal"].font.size.pt == 16
    assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    for name in ("Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        style_fonts = rfonts(doc.styles[name].element)
        assert style_fonts.get(qn("w:cs")) == FONT, name
        assert style_fonts.get(qn("w:cstheme")) is None, name  # a theme font would override the named one
    # Thai bold needs w:bCs: every bold run in the body has both.
    bold_runs = [r for r in doc.element.body.iter(qn("w:r")) if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None]
    assert bold_runs
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:bCs')}") is not None for r in bold_runs)


def test_docx_page_is_a4_with_official_margins(brief_file: bytes) -> None:
    doc = docx(brief_file)
    assert len(doc.sections) >= 3
    for section in doc.sections:
        assert margins_cm(section) == (3.0, 2.0, 2.5, 2.0)
        assert sorted((round(section.page_width.cm, 1), round(section.page_height.cm, 1))) == [21.0, 29.7]


def test_docx_plan_rows_sit_in_a_landscape_section(brief_file: bytes) -> None:
    doc = docx(brief_file)
    plan = plan_tables(doc)
    assert len(plan) == 1
    index, table = plan[0]
    section = doc.sections[index]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert len(table.rows) == 1 + len(sample_brief()["plan_rows"])
    assert "250,000" in table_text(table)
    # The table fits between the margins.
    widths = sum(cell.width for cell in table.rows[0].cells)
    assert widths <= section.page_width - section.left_margin - section.right_margin
    # Thai breaks between words, set in the text: a zero-width space between two words, none inside one
    # (LibreOffice broke "ปีงบประม|าณ" by its own dictionary).
    header = [c.text for c in table.rows[0].cells]
    assert "ปีงบประมาณ" in header[5] and ZWSP in header[5]  # whole, with breaks around it
    # Rows may run on under the repeated header, so the heading and its note stay with the table.
    assert not any(
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows[1:]
    )
    before = table._tbl.getprevious()
    while before is not None and before.tag == qn("w:p") and not "".join(before.itertext()).strip():
        assert before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
        before = before.getprevious()
    assert before is not None and before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None


def test_docx_page_numbers_start_on_page_two(brief_file: bytes) -> None:
    section = docx(brief_file).sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element
    instructions = "".join(t.text for t in header.iter(qn("w:instrText")))
    assert "PAGE" in instructions
    assert section.header.paragraphs[0].text.startswith("- ") and section.header.paragraphs[0].text.endswith(" -")
    first = section.first_page_header._element
    assert not [t for t in first.iter(qn("w:instrText")) if "PAGE" in (t.text or "")]
    assert not list(first.iter(qn("w:fldSimple")))
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "thaiNumbers"


def test_docx_memo_comes_first_for_the_officer_to_complete() -> None:
    doc = docx(brief_docx(sample_brief(), memo=True))
    text = text_of(doc)
    first = doc.paragraphs[0]
    assert first.text == "บันทึกข้อความ"
    rpr = first.runs[0]._r.find(qn("w:rPr"))
    assert rpr.find(qn("w:szCs")).get(qn("w:val")) == "58"  # 29 pt
    assert rpr.find(qn("w:bCs")) is not None
    assert "ข้อเสนอเชิงนโยบายจากสมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี ๒๕๖๙" in text
    assert "๒๒ พฤศจิกายน ๒๕๖๙" in text  # the date line, without "พ.ศ."
    assert text.index("จึงเรียนมาเพื่อโปรดพิจารณา") < text.index(sample_brief()["assembly"]["title"], 200)
    # The brief after the memo numbers its own pages from 1, its cover unnumbered.
    brief_start = doc.sections[1]
    assert brief_start.different_first_page_header_footer
    assert brief_start._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert "บันทึกข้อความ" not in text_of(docx(brief_docx(sample_brief())))


def test_docx_in_english_is_english_with_arabic_digits() -> None:
    doc = docx(brief_docx(sample_brief(language="en"), memo=True))
    text = text_of(doc)
    assert "Part 1: Summary of proposals" in text
    assert "Memorandum" in text and "For your consideration." in text
    assert "15 November 2026" in text
    assert "ส่วนที่" not in text and "บันทึกข้อความ" not in text
    assert doc.sections[0]._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "decimal"
    assert doc.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_docx_arabic_digits_on_request() -> None:
    text = text_of(docx(brief_docx(sample_brief(), thai_digits=False)))
    assert "ส่วนที่ 1 " in text and "ส่วนที่ ๑" not in text
    assert "15 พฤศจิกายน พ.ศ.\u00a02569" in text  # Thai months, Arabic digits; no break before the year


def test_docx_with_empty_sections_still_has_every_part() -> None:
    doc = docx(brief_docx(sample_brief(**EMPTY)))
    text = text_of(doc)
    for n in "๑๒๓๔๕๖๗":
        assert f"ส่วนที่ {n}" in text
    with language("th"):
        assert text.count(gettext("None yet.")) >= 3  # commitments, plan, follow-up
        assert gettext("This session had no statements to map.") in text
    assert not plan_tables(doc)


# --- DOCX: the minutes ------------------------------------------------------------------------------------------


def test_minutes_follow_form_11() -> None:
    brief = sample_brief()
    doc = docx(minutes_docx(brief))
    text = text_of(doc)
    headings = [
        "รายงานการประชุมสมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต",
        "ครั้งที่ ๑/๒๕๗๐",
        "เมื่อ วันอาทิตย์ที่ ๑๕ พฤศจิกายน",
        "ณ โรงแรมเพิร์ล ภูเก็ต",
        "ผู้มาประชุม",
        "เริ่มประชุมเวลา ๐๙.๐๐\u00a0น.",
        "ระเบียบวาระที่ ๑",
        "มติที่ประชุม ที่ประชุมรับทราบ",
        "ระเบียบวาระที่ ๒",
        "ระเบียบวาระที่ ๓",
        "เลิกประชุมเวลา ๑๖.๓๐\u00a0น.",
        "ผู้จดรายงานการประชุม",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "๓๑๒" in text and "องค์กรชุมชน / สภาองค์กรชุมชน ๑๕๐ คน" in text
    assert "นางสมศรี ใจดี (สภาองค์กรชุมชนตำบลรัษฎา)" in text  # named because she agreed to be
    section = doc.sections[0]
    assert section.different_first_page_header_footer and margins_cm(section) == (3.0, 2.0, 2.5, 2.0)


# --- XLSX and CSV -------------------------------------------------------------------------------------------------

ROWS = {
    "proposals": 3,
    "plan": 2,
    "results": 2,
    "results_by_group": 5,
    "comments": 4,
    "commitments": 2,
    "action_items": 1,
    "resolution": 0,
}


def test_sheets_are_one_source_for_every_table() -> None:
    views = sheets(sample_brief())
    assert set(views) == set(ROWS) == set(CSV_SHEETS)
    for name, (headers, rows) in views.items():
        assert len(rows) == ROWS[name], name
        assert all(len(row) == len(headers) for row in rows)
    headers, rows = views["proposals"]
    assert headers[:3] == ["ลำดับ", "รหัส", "ข้อเสนอ"]
    budget = rows[0][[c.key for c in SHEETS["proposals"].columns].index("budget")]
    assert budget == 250000 and isinstance(budget, int)
    assert sheets(sample_brief(language="en"))["proposals"][0][:3] == ["Rank", "Ref.", "Proposal"]


def test_xlsx_reads_back_with_headers_numbers_and_dates() -> None:
    brief = sample_brief()
    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(brief)))
    views = sheets(brief)
    assert len(wb.worksheets) == len(SHEETS)
    for ws, name in zip(wb.worksheets, SHEETS, strict=True):
        headers, rows = views[name]
        assert [c.value for c in ws[1]] == headers, name
        assert ws.max_row == 1 + ROWS[name], name
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.column_dimensions["A"].width >= 6
        if rows:
            assert ws.cell(row=2, column=1).font.name == FONT
    proposals = wb.worksheets[0]
    budget_col = [c.key for c in SHEETS["proposals"].columns].index("budget") + 1
    budget = proposals.cell(row=2, column=budget_col)
    assert budget.value == 250000 and budget.data_type == "n" and budget.number_format == "#,##0"
    assert proposals.cell(row=3, column=budget_col).value is None  # forwarded without a budget
    plan = wb.worksheets[1]
    plan_budget = [c.key for c in SHEETS["plan"].columns].index("budget") + 1
    assert plan.cell(row=2, column=plan_budget).value == 250000
    assert plan.cell(row=3, column=plan_budget).value == "เจ้าหน้าที่ไม่ได้ระบุ"  # left empty, and says so
    assert plan.cell(row=2, column=[c.key for c in SHEETS["plan"].columns].index("fiscal_years") + 1).value == 2570
    due = wb.worksheets[5].cell(row=2, column=[c.key for c in SHEETS["commitments"].columns].index("due") + 1)
    assert due.is_date and due.value == dt.datetime(2027, 3, 31)
    created = wb.worksheets[5].cell(row=2, column=[c.key for c in SHEETS["commitments"].columns].index("created") + 1)
    assert created.value == dt.datetime(2026, 11, 15, 16, 0)  # Bangkok time


def test_xlsx_and_csv_with_empty_sections_keep_their_headers() -> None:
    brief = sample_brief(**EMPTY)
    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(brief)))
    for name in ("plan", "commitments", "action_items"):
        ws = wb.worksheets[list(SHEETS).index(name)]
        assert ws.max_row == 1 and ws["A1"].value
        rows = list(csv.reader(io.StringIO(brief_csv(brief, name).decode("utf-8-sig"))))
        assert len(rows) == 1 and rows[0] == sheets(brief)[name][0]


@pytest.mark.parametrize("name", CSV_SHEETS)
def test_csv_has_a_bom_and_round_trips(name: str) -> None:
    brief = sample_brief()
    data = brief_csv(brief, name)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    headers, values = sheets(brief)[name]
    assert rows[0] == headers
    assert len(rows) == 1 + len(values)
    for row, expected in zip(rows[1:], values, strict=True):
        for got, want in zip(row, expected, strict=True):
            if want is None:
                assert got == ""
            elif isinstance(want, dt.datetime):
                assert got == want.isoformat(sep=" ", timespec="minutes")
            elif isinstance(want, dt.date):
                assert got == want.isoformat()
            else:
                assert got == str(want)


def test_csv_refuses_an_unknown_sheet() -> None:
    with pytest.raises(KeyError):
        brief_csv(sample_brief(), "passwords")


def _hostile_brief(text: str) -> dict[str, Any]:
    brief = sample_brief()
    brief["proposals"][0]["title"] = text
    brief["proposals"][1]["arguments"]["against"][0]["text"] = text
    brief["plan_rows"][0]["project"] = text
    brief["commitments"][0]["what"] = text
    return brief


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_never_start_a_formula(text: str) -> None:
    brief = _hostile_brief(text)
    found = 0
    for name in CSV_SHEETS:
        rows = list(csv.reader(io.StringIO(brief_csv(brief, name).decode("utf-8-sig"), newline="")))
        for row in rows:
            for value in row:
                assert not is_formula_like(value), (name, value)
                found += value == "'" + text
    assert found >= 4  # the title (in several sheets), the argument, the plan project, the commitment


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_cells_never_hold_a_formula(text: str) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(brief_xlsx(_hostile_brief(text))))
    hostile = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if c.value == text:
                    hostile.append(c)
    assert len(hostile) >= 4
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_ordinary_text_is_left_alone() -> None:
    assert not is_formula_like("P11") and not is_formula_like("ผู้สูงอายุ") and not is_formula_like("1-2")
    rows = list(csv.reader(io.StringIO(brief_csv(sample_brief(), "proposals").decode("utf-8-sig"))))
    assert rows[1][1] == "P11" and rows[1][2] == "จัดตั้งศูนย์ดูแลผู้สูงอายุกลางวันในตำบล"


# --- Markdown -------------------------------------------------------------------------------------------------------


def _table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("|")]


def test_markdown_has_the_sections_and_tables() -> None:
    md = brief_markdown(sample_brief())
    assert md.startswith("**")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert [h.split()[1:3] for h in headings[:7]] == [["ส่วนที่", d] for d in "๑๒๓๔๕๖๗"]
    rows = _table_rows(md)
    assert "| ลำดับ | ข้อเสนอ |" in md
    assert any("P11" in r and "250,000" in r for r in rows)  # the plan row
    assert "| ---: |" in md or "---: |" in md
    for clause in (p["clause"] for p in sample_brief()["proposals"] if p["clause"]):
        assert clause in md
    assert md.rstrip().endswith("brief.json>")
    assert "ส่วนที่ 1 " in brief_markdown(sample_brief(), thai_digits=False)
    english = brief_markdown(sample_brief(language="en"))
    assert "## Part 1: Summary of proposals" in english


def test_markdown_escapes_hostile_user_text() -> None:
    brief = sample_brief()
    brief["proposals"][0]["title"] = "A | B <script>x</script> *bold*"
    brief["proposals"][1]["body"] = "# not a heading\n\n- not a list"
    brief["plan_rows"][0]["project"] = "[link](javascript:alert(1))"
    md = brief_markdown(brief)
    assert "A \\| B \\<script\\>x\\</script\\> \\*bold\\*" in md
    assert "<script>" not in md
    assert "\\# not a heading" in md and "\\- not a list" in md
    assert "\n# not a heading" not in md and "\n- not a list" not in md
    assert "[link](javascript" not in md and "\\[link\\](javascript:alert(1))" in md
    # Every row of a table has as many unescaped cell separators as its header.
    for block in md.split("\n\n"):
        rows = _table_rows(block)
        if rows:
            counts = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
            assert len(counts) == 1, rows


def test_md_escape_keeps_plain_thai_readable() -> None:
    assert md_escape("องค์กรชุมชน (อพม.) 1-2") == "องค์กรชุมชน (อพม.) 1-2"
    assert md_escape("1. ข้อแรก") == "1\\. ข้อแรก"
    assert md_escape(" a\nb ") == " a b "


def test_empty_sections_render_in_markdown() -> None:
    md = brief_markdown(sample_brief(**EMPTY))
    with language("th"):
        assert md.count(gettext("None yet.")) >= 3
    assert "ส่วนที่ ๖" in md and not THAI_DIGIT.search(_table_rows(md)[1])  # tables keep Arabic digits


# -- the one count: the brief ranks as the results API does, in every format ----------------------------------
async def test_every_format_ranks_by_the_one_count_with_its_sources(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], staff_actor: Actor, tmp_path: Path
) -> None:
    # x: 2 phone supports, 1 entered by staff and a pile of 3 paper sheets = 6, ahead of y (5) and z (4),
    # though it has the fewest phone supporters: a brief counting phones alone would put it last.
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    people = [await api.join(code, f"คนที่ {i}") for i in range(5)]
    titles = {"x": "ศูนย์ดูแลผู้สูงอายุกลางวัน", "y": "ลานกีฬาเยาวชน", "z": "ตลาดนัดชุมชน"}
    ids = {k: (await api.propose(people[0], code, theme, title=t))["id"] for k, t in titles.items()}
    await api.set_phase(facilitator, code, "voting")
    r = await client.post(
        f"/api/v1/sessions/{code}/rounds",
        headers=facilitator,
        json={"method": "support", "options": {"allow_paper": True}},
    )
    assert r.status_code == 201, r.text
    round_id = r.json()["id"]
    for key, backers in (("x", people[:2]), ("y", people), ("z", people[:4])):
        for who in backers:
            await api.support(who, ids[key])
    session = await Session.get(code=code)
    assert staff_actor.staff is not None
    await on_team(staff_actor.staff.email, code)
    helped = await assisted_participant(staff_actor, session, "ยายมา ไม่มีมือถือ")
    await add_support(staff_actor, await Proposal.get(id=ids["x"]).prefetch_related("session"), on_behalf_of=helped)
    r = await client.post(
        f"/api/v1/sessions/{code}/rounds/{round_id}/paper",
        headers=facilitator,
        json={"marks": [{"proposal_id": ids["x"]}], "sheets": 3},
    )
    assert r.status_code == 201, r.text

    results = (await client.get(f"/api/v1/sessions/{code}/results")).json()
    order = [i["id"] for i in results["items"]]
    assert order == [ids["x"], ids["y"], ids["z"]]
    figures = {i["id"]: (i["count"], i["by_source"]) for i in results["items"]}
    assert figures[ids["x"]] == (6, {"phone": 2, "assisted": 1, "paper": 3})

    async def download(fmt: str, **params: str) -> bytes:
        r = await client.get(f"/api/v1/sessions/{code}/brief.{fmt}", headers=facilitator, params=params)
        assert r.status_code == 200, r.text
        return r.content

    # JSON: the same order, figure and split.
    brief = json.loads(await download("json"))
    assert [p["id"] for p in brief["proposals"]] == order
    assert [p["rank"] for p in brief["proposals"]] == [1, 2, 3]
    for p in brief["proposals"]:
        assert (p["count"], p["by_source"]) == figures[p["id"]]
    assert brief["ranking"]["method"] == "support" and brief["ranking"]["round_id"] == round_id
    assert brief["proposals"][0]["supports"] == 6  # the support figure is the round's, paper included
    split = "โทรศัพท์ 2 · เจ้าหน้าที่กรอก 1 · กระดาษ 3"
    assert brief["proposals"][0]["count_text"] == split

    # CSV and XLSX: the proposals sheet, in the same order, with the count and its parts in columns.
    with language("th"):
        head = {
            key: gettext(label)
            for key, label in (
                ("count", "Count that ranks"),
                ("phone", "of which own phone"),
                ("assisted", "of which entered by staff"),
                ("paper", "of which paper ballots"),
                ("title", "Proposal"),
            )
        }
    rows = list(csv.DictReader(io.StringIO((await download("csv", sheet="proposals")).decode("utf-8-sig"))))
    assert [r[head["title"]] for r in rows] == [titles["x"], titles["y"], titles["z"]]
    assert [(r[head["count"]], r[head["phone"]], r[head["assisted"]], r[head["paper"]]) for r in rows][0] == (
        "6",
        "2",
        "1",
        "3",
    )
    assert [r[head["count"]] for r in rows] == ["6", "5", "4"]
    book = openpyxl.load_workbook(io.BytesIO(await download("xlsx")))
    sheet = book.worksheets[[ws.title for ws in book.worksheets].index(gettext_th("Proposals"))]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    col = {k: header.index(v) for k, v in head.items()}
    body = [row for row in values[1:] if row[col["title"]]]
    assert [row[col["title"]] for row in body] == [titles["x"], titles["y"], titles["z"]]
    assert [row[col["count"]] for row in body] == [6, 5, 4]
    assert [body[0][col[k]] for k in ("phone", "assisted", "paper")] == [2, 1, 3]

    # Markdown and Word: the summary table puts x first with 6 and its split.
    markdown = (await download("md")).decode("utf-8")
    lines = [line for line in markdown.splitlines() if titles["x"] in line and "|" in line]
    # One source a line in the table, as in the PDF (no "·" run to wrap), zeros left out.
    assert lines and "6" in lines[0] and split.replace(" · ", "<br>") in lines[0]
    table_md = [
        line for line in markdown.splitlines() if line.startswith("|") and any(t in line for t in titles.values())
    ]
    assert [next(k for k, t in titles.items() if t in line) for line in table_md[:3]] == ["x", "y", "z"]
    document = Document(io.BytesIO(await download("docx")))
    summary = next(
        t for t in document.tables if any(titles["x"] in c.text.replace(ZWSP, "") for c in t.columns[1].cells)
    )
    cells = [[c.text.replace(ZWSP, "") for c in row.cells] for row in summary.rows[1:4]]
    assert [next(k for k, t in titles.items() if t in row[1]) for row in cells] == ["x", "y", "z"]
    assert cells[0][3].split("\n")[:4] == ["6", *split.split(" · ")]

    # PDF: the summary page says the same, read back by poppler; and a look at the page (/tmp/brief-count-*.png).
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(await download("pdf"))
    flat = await asyncio.to_thread(read_pdf, pdf)
    if flat is not None:
        assert flat.index(titles["x"]) < flat.index(titles["y"]) < flat.index(titles["z"])
        assert "กระดาษ 3" in flat and "กระดาษ ๓" in flat  # the table in Arabic digits, the text in Thai


def read_pdf(pdf: Path) -> str | None:
    """poppler's reading of the PDF, on one line; its first pages as PNGs to look at (/tmp/brief-count-*)."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "6", str(pdf), "/tmp/brief-count"], check=True)
    if not shutil.which("pdftotext"):
        return None
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def gettext_th(msgid: str) -> str:
    with language("th"):
        return gettext(msgid)


async def test_a_dots_round_ranks_the_brief_by_its_dots(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    # The ranking figure follows the method: here dots (phone, staff-entered and a pile of 4 paper sheets).
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    people = [await api.join(code, f"คนที่ {i}") for i in range(3)]
    a, b = [(await api.propose(people[0], code, theme, title=t))["id"] for t in ("ป้ายรถเมล์มีหลังคา", "ถนนเลียบคลอง")]
    await api.set_phase(facilitator, code, "voting")
    for who in people:  # b leads on supports, so a brief ranking by supports would put it first
        await api.support(who, b)
    opening = {"method": "dots", "options": {"allow_paper": True, "allow_assisted": True, "budget": 3}}
    r = await client.post(f"/api/v1/sessions/{code}/rounds", headers=facilitator, json=opening)
    assert r.status_code == 201, r.text
    round_id = r.json()["id"]
    for who, pid, n in ((people[0], a, 2), (people[1], b, 1)):
        r = await client.post(f"/api/v1/proposals/{pid}/votes", headers=who, json={"method": "dots", "value": n})
        assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/proposals/{a}/votes",
        headers=facilitator,
        json={"method": "dots", "value": 1, "on_behalf_of": "ลุงมี ไม่มีมือถือ"},
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/sessions/{code}/rounds/{round_id}/paper",
        headers=facilitator,
        json={"marks": [{"proposal_id": a, "value": 1}], "sheets": 4},
    )
    assert r.status_code == 201, r.text
    results = (await client.get(f"/api/v1/sessions/{code}/results")).json()
    assert [(i["id"], i["count"], i["by_source"]) for i in results["items"]] == [
        (a, 7, {"phone": 2, "assisted": 1, "paper": 4}),
        (b, 1, {"phone": 1, "assisted": 0, "paper": 0}),
    ]
    r = await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)
    brief = r.json()
    assert brief["ranking"]["method"] == "dots" and brief["ranking"]["count_label"] == gettext_th("Dots")
    assert [(p["id"], p["count"], p["by_source"]) for p in brief["proposals"]] == [
        (i["id"], i["count"], i["by_source"]) for i in results["items"]
    ]
    assert brief["proposals"][1]["supports"] == 3  # the phones' supports stay beside it, for context
    r = await client.get(f"/api/v1/sessions/{code}/brief.csv", headers=facilitator, params={"sheet": "proposals"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[gettext_th("Count that ranks")] for row in rows] == ["7", "1"]
