"""The brief and the minutes as editable Word files, in the house style of a Thai government office.

The content is `outline(brief)` / `minutes_outline(brief)` (briefs/outline.py): the same blocks, order and
wording as the Markdown, and the wording of the PDF. This module only lays them out: A4, margins 3 cm left,
2 cm right, 2.5 cm top, 2 cm bottom; TH SarabunIT๙ 16 pt; page numbers "- ๒ -" centred at the top from page
two; the plan rows (ส่วนที่ ๖) and the annex tables on landscape pages. With `memo=True` a บันทึกข้อความ cover
memo comes first, for the receiving officer to complete and sign.

Fonts. Thai is a complex script to Word: it takes the font from `w:rFonts/@w:cs`, the size from `w:szCs`
and bold from `w:bCs`, none of which python-docx's `font.name`, `font.size` and `font.bold` set. So every
style and every bold run here gets all four font slots, both sizes and both bolds, and the theme-font
attributes of the default template are removed (they would win over a named font).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Length, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from deliberate.briefs.officialese import Voice
from deliberate.briefs.outline import (
    DOTS,
    Block,
    Break,
    Bullets,
    Clauses,
    Cover,
    Facts,
    Heading,
    Para,
    Run,
    Table,
    minutes_outline,
    outline,
)
from deliberate.i18n import gettext as _
from deliberate.i18n import language
from deliberate.thaitext.wrap import with_breaks

FONT = "TH SarabunIT๙"  # fallbacks (TH SarabunPSK, Sarabun) cannot be named in a DOCX: Word substitutes
BODY_PT = 16
TABLE_PT = 14
SMALL_PT = 12
A4 = (Cm(21), Cm(29.7))
MARGINS = {"left": Cm(3), "right": Cm(2), "top": Cm(2.5), "bottom": Cm(2)}
INDENT = Cm(2.5)  # first-line indent of a paragraph
SIGNATURE_INDENT = Cm(8)  # the memo's signature block
MINUTES_SIGNATURE_INDENT = Cm(6)  # the minutes' longer "(ลงชื่อ) ...... ผู้จดรายงานการประชุม" line
KEEP_TOGETHER_ROWS = 15  # a table this short is not split across pages
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# The schema's order of run properties (ECMA-376 CT_RPr), as python-docx's CT_RPr declares it.
_RPR_ORDER = (
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


# --- XML helpers ----------------------------------------------------------------------------------------------


def _put(parent: Any, tag: str, order: tuple[str, ...], **attrs: str) -> Any:
    """Replace `parent`'s `tag` child with a fresh one carrying `attrs`, in schema order."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    successors = order[order.index(tag) + 1 :] if tag in order else ()
    parent.insert_element_before(element, *successors)
    return element


def set_fonts(
    rpr: Any, *, size: float | None = None, bold: bool | None = None, hint: bool = False, name: bool = True
) -> None:
    """TH SarabunIT๙ in all four slots (ascii, hAnsi, eastAsia, cs); size in w:sz and w:szCs; w:b and w:bCs.
    Runs pass `name=False`: they take the font from their style and only set size and bold."""
    if name:
        rfonts = rpr.get_or_add_rFonts()
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), FONT)
        if hint:
            rfonts.set(qn("w:hint"), "cs")  # digits and punctuation next to Thai take the complex-script font
    if size is not None:
        half_points = str(round(size * 2))
        _put(rpr, "w:sz", _RPR_ORDER, val=half_points)
        _put(rpr, "w:szCs", _RPR_ORDER, val=half_points)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            if bold:
                _put(rpr, tag, _RPR_ORDER)
            else:
                for old in rpr.findall(qn(tag)):
                    rpr.remove(old)


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Add text; bold and size set both the Latin and the complex-script property; a newline breaks the line."""
    for i, piece in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break()
        run = paragraph.add_run(piece)  # the text setter turns "\t" into a w:tab
        if bold or size is not None:
            set_fonts(run._r.get_or_add_rPr(), size=size, bold=True if bold else None, name=False)


def _hyperlink(paragraph: Paragraph, url: str, text: str, size: float | None = None) -> None:
    if not url.startswith(("http://", "https://")):
        add_text(paragraph, text, size=size)
        return
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    run.append(rpr)
    _put(rpr, "w:u", _RPR_ORDER, val="single")
    if size is not None:
        set_fonts(rpr, size=size, name=False)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _runs(paragraph: Paragraph, runs: Iterable[Run], size: float | None = None) -> None:
    for r in runs:
        if r.link:
            _hyperlink(paragraph, r.link, r.text, size)
        else:
            add_text(paragraph, r.text, bold=r.bold, size=size)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, ...) as begin / instruction / separate / cached result / end runs."""

    def add(kind: str, text: str | None = None) -> None:
        run = OxmlElement("w:r")
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run.append(element)
        paragraph._p.append(run)

    add("begin")
    add("instr", f" {instruction} ")
    add("separate")
    add("text", placeholder)
    add("end")


# --- document and styles -----------------------------------------------------------------------------------------


def new_document(voice: Voice) -> DocumentObject:
    """An empty document in the house style (fonts, sizes, spacing, language); the resolutions use it too."""
    doc = Document()
    styles = doc.styles
    lang = {"val": "th-TH" if voice.lang == "th" else "en-GB", "eastAsia": "th-TH", "bidi": "th-TH"}
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, size=BODY_PT, hint=True)
    _put(rpr, "w:lang", _RPR_ORDER, **lang)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _put(ppr, "w:spacing", ("w:spacing", "w:ind", "w:jc"), after="0", line="240", lineRule="auto")
    # Every style of the template: named font instead of theme fonts, black instead of theme colours.
    for style in styles.element.findall(qn("w:style")):
        style_rpr = style.find(qn("w:rPr"))
        if style_rpr is not None:
            set_fonts(style_rpr)
            for colour in style_rpr.findall(qn("w:color")):
                style_rpr.remove(colour)
    normal = styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), size=BODY_PT, hint=True)
    _put(normal.element.get_or_add_rPr(), "w:lang", _RPR_ORDER, **lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size, before, after in (
        ("Title", 22, 0, 6),
        ("Heading 1", 18, 12, 6),
        ("Heading 2", 16, 10, 3),
        ("Heading 3", 16, 8, 2),
    ):
        style = styles[name]
        set_fonts(style.element.get_or_add_rPr(), size=size, bold=True)
        for border in style.element.get_or_add_pPr().findall(qn("w:pBdr")):
            border.getparent().remove(border)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), True
        fmt.line_spacing = 1.0
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_rpr = styles["Title"].element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):  # no letter spacing: it pulls Thai marks away from their letters
        for old in title_rpr.findall(qn(tag)):
            title_rpr.remove(old)
    for name in ("Table Grid", "Header", "Footer"):
        set_fonts(styles[name].element.get_or_add_rPr())
    core = doc.core_properties
    core.author = core.last_modified_by = core.comments = ""
    core.language = lang["val"]
    return doc


def set_page(section: Section, *, landscape: bool = False) -> None:
    """A4 with the office's margins."""
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1)


def text_width(section: Section) -> Emu:
    """The width between the margins. python-docx reads a size the section leaves out as None; `set_page`
    writes them all, so a missing one is a bug here, not a document to lay out."""
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:
        raise ValueError("the section has no page width or margins: lay it out with set_page first")
    return Emu(width - left - right)


def number_pages(section: Section, voice: Voice) -> None:
    """Page numbers from page two: "- ๒ -" centred in the header, none on the section's first page.

    The number is a PAGE field. TH SarabunIT๙ draws the digits 0-9 as Thai digit shapes anyway; with Thai
    digits asked for, `w:pgNumType w:fmt="thaiNumbers"` also makes Word write real Thai digits (๐-๙),
    so the number stays Thai in any font (LibreOffice may show Arabic)."""
    attrs = {"fmt": "thaiNumbers"} if voice.thai else {"fmt": "decimal"}
    _put(
        section._sectPr,
        "w:pgNumType",
        (
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ),
        **attrs,
    )
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(p, "- ")
    _field(p, "PAGE", voice.d(2))
    add_text(p, " -")
    section.first_page_header.is_linked_to_previous = False  # an empty header on the first page


def _new_section(
    doc: DocumentObject, *, landscape: bool, numbered_from_start: bool = True, restart: bool = False
) -> Section:
    """A new section on a new page; its numbering continues (or restarts at 1) and, unless
    `numbered_from_start` is false, its first page carries the number too."""
    section: Section = doc.add_section(WD_SECTION.NEW_PAGE)  # python-docx leaves add_section's return unannotated
    # python-docx puts the previous section's end in a new empty paragraph, which would be a blank line
    # (or a blank page when the page is full): move it into the last paragraph when there is one.
    body = doc.element.body
    holder = body[-2]
    previous = holder.getprevious()
    if previous is not None and previous.tag == qn("w:p") and (previous.pPr is None or previous.pPr.sectPr is None):
        previous.set_sectPr(holder.pPr.sectPr)
        body.remove(holder)
    set_page(section, landscape=landscape)
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is not None:
        pg.attrib.pop(qn("w:start"), None)
        if restart:
            pg.set(qn("w:start"), "1")
    section.different_first_page_header_footer = not numbered_from_start
    return section


def _stamp(doc: DocumentObject, brief: dict[str, Any]) -> None:
    """File properties: the brief's version and build time, not python-docx's template dates."""
    core = doc.core_properties
    core.revision = int(brief.get("version") or 1)
    if brief.get("generated_at"):
        moment = dt.datetime.fromisoformat(brief["generated_at"])
        if moment.tzinfo:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        core.created = core.modified = moment


def to_bytes(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- laying out the blocks -------------------------------------------------------------------------------------


class Writer:
    def __init__(self, doc: DocumentObject, voice: Voice) -> None:
        self.doc, self.voice = doc, voice
        self.break_before = False
        self.landscape = False
        self.after_text = False  # the last block was running text: a table needs a little air above it
        self.styles = {
            name: doc.styles[name] for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid")
        }  # a lookup by name is slow

    def text_width(self) -> Emu:
        return text_width(self.doc.sections[-1])

    def paragraph(self, style: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=self.styles[style] if style else None)
        if self.break_before:
            p.paragraph_format.page_break_before = True
            self.break_before = False
        return p

    def write(self, blocks: Iterable[Block]) -> None:
        seq = list(blocks)
        for n, block in enumerate(seq):
            if isinstance(block, Table) and self.after_text and not block.caption:
                spacer = self.paragraph()
                spacer.paragraph_format.keep_with_next = True  # a heading and its note stay with the table
                set_fonts(_mark_rpr(spacer), size=6, name=False)
            self.after_text = isinstance(block, (Para, Bullets, Clauses, Facts))
            if isinstance(block, Cover):
                self.cover(block)
            elif isinstance(block, Heading):
                p = self.paragraph(f"Heading {block.level}")
                add_text(p, block.text)
            elif isinstance(block, Para):
                # "จึงมีมติดังต่อไปนี้" and the like stay on the page of the clauses or table they open.
                self.para(block, keep_with_next=n + 1 < len(seq) and isinstance(seq[n + 1], (Clauses, Table)))
            elif isinstance(block, Bullets):
                for item in block.items:
                    self.bullet(item)
            elif isinstance(block, Facts):
                self.facts(block)
            elif isinstance(block, Clauses):
                self.clauses(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Break):
                self.page_break(block.kind)

    def page_break(self, kind: str) -> None:
        if kind == "page":
            self.break_before = True
        elif (kind == "landscape") != self.landscape:
            self.landscape = kind == "landscape"
            _new_section(self.doc, landscape=self.landscape)
            self.break_before = False

    def cover(self, cover: Cover) -> None:
        p = self.paragraph()
        p.paragraph_format.space_before = Cm(3)
        p.paragraph_format.space_after = Cm(1)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(p, cover.kicker, bold=True, size=18)
        p = self.paragraph("Title")
        add_text(p, cover.title)
        if cover.subtitle:
            p = self.paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Cm(0.8)
            add_text(p, cover.subtitle, size=18)
        for i, line in enumerate(cover.lines):
            p = self.paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(p, line, bold=i == 0, size=18 if i == 0 else None)
        if cover.link:
            p = self.paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Cm(1.2)
            p.add_run().add_picture(io.BytesIO(_qr_png(cover.link)), width=Cm(3.2))
        for i, runs in enumerate(cover.footer):
            p = self.paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if i == 0 and not cover.link:
                p.paragraph_format.space_before = Cm(1.2)
            _runs(p, runs, size=SMALL_PT)

    def para(self, block: Para, *, keep_with_next: bool = False) -> None:
        p = self.paragraph()
        fmt = p.paragraph_format
        if keep_with_next:
            fmt.keep_with_next = True
        size: float | None = None
        if block.style == "body":
            fmt.first_line_indent = INDENT
            # Word spreads Thai lines with Thai-distributed justification (กระจายแบบไทย), as offices set it.
            p.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY if self.voice.lang == "th" else WD_ALIGN_PARAGRAPH.LEFT
        elif block.style == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.style in ("note", "hash"):
            size = TABLE_PT if block.style == "note" else SMALL_PT
            fmt.space_before = Pt(3)
        elif block.style == "signature":
            fmt.left_indent = MINUTES_SIGNATURE_INDENT
            fmt.keep_with_next = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if block.style == "plain" and block.runs and block.runs[0].bold:
            fmt.space_before, fmt.keep_with_next = Pt(6), True
        if block.style == "signature" and block.runs and block.runs[0].text.startswith(_("(signed)")):
            fmt.space_before = Cm(1.2)
        _runs(p, block.runs, size)

    def bullet(self, runs: Iterable[Run], level: int = 0, size: float | None = None) -> None:
        p = self.paragraph()
        fmt = p.paragraph_format
        fmt.left_indent = INDENT + Cm(0.6 + 1.25 * level)
        fmt.first_line_indent = Cm(-0.6)
        fmt.tab_stops.add_tab_stop(fmt.left_indent)
        add_text(p, "-\t", size=size)
        _runs(p, runs, size)

    def clauses(self, block: Clauses) -> None:
        for clause in block.items:
            p = self.paragraph()
            p.paragraph_format.first_line_indent = INDENT
            p.paragraph_format.keep_with_next = bool(clause.notes)  # a clause and its notes stay together
            if self.voice.lang == "th":
                p.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
            add_text(p, f"{clause.number} {clause.text}")
            for i, note in enumerate(clause.notes):
                n = self.paragraph()
                n.paragraph_format.left_indent = INDENT + Cm(0.75)
                n.paragraph_format.keep_with_next = i < len(clause.notes) - 1 or bool(clause.items)
                _runs(n, note, TABLE_PT)
            for item in clause.items:
                self.bullet((Run(item),), level=1, size=TABLE_PT)

    def facts(self, block: Facts) -> None:
        width = self.text_width()
        label_width = Cm(4.6)
        table = self.doc.add_table(rows=0, cols=2)
        table.autofit = False  # also writes w:tblLayout fixed: the column widths hold
        for fact in block.rows:
            row = table.add_row()
            _no_split(row)
            left, right = row.cells
            _cell_text(left, fact.label, bold=True, size=TABLE_PT)
            p = right.paragraphs[0]
            _runs(p, fact.value, TABLE_PT)
            for item in fact.items:
                q = right.add_paragraph()
                q.paragraph_format.left_indent = Cm(0.5)
                q.paragraph_format.first_line_indent = Cm(-0.5)
                add_text(q, "- " + item, size=TABLE_PT)
        _widths(table, [label_width, Emu(width - label_width)])

    def table(self, block: Table) -> None:
        size = SMALL_PT if block.small else TABLE_PT
        if block.caption:
            p = self.paragraph()
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.space_before = Pt(6)
            add_text(p, block.caption, bold=True, size=size)
        table = self.doc.add_table(rows=1, cols=len(block.headers))
        table.style = self.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        _repeat_header(header)
        for i, (c, text) in enumerate(zip(header.cells, block.headers, strict=True)):
            _cell_text(c, text, bold=True, size=size, right=i in block.numeric)
            _shade(c, "E7E6E6")
        for n, values in enumerate(block.rows):
            row = table.add_row()
            if not block.tall_rows:
                _no_split(row)
            total = block.total and n == len(block.rows) - 1
            for i, (c, text) in enumerate(zip(row.cells, values, strict=True)):
                _cell_text(c, text, bold=total, size=size, right=i in block.numeric)
        # Keep the header with the first row, and a short table on one page.
        keep = table.rows[:-1] if len(block.rows) <= KEEP_TOGETHER_ROWS and not block.tall_rows else table.rows[:1]
        for row in keep:
            for c in row.cells:
                for q in c.paragraphs:
                    q.paragraph_format.keep_with_next = True
        total_width = self.text_width()
        weights = sum(block.widths)
        _widths(table, [Emu(int(total_width * w / weights)) for w in block.widths])
        # Word needs a paragraph between two tables; a 6 pt one keeps the gap after a table small.
        set_fonts(_mark_rpr(self.paragraph()), size=6, name=False)


def _mark_rpr(paragraph: Paragraph) -> Any:
    """The paragraph mark's run properties (they size an empty paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    return rpr


def _cell_text(c: _Cell, text: str, *, bold: bool = False, size: float | None = None, right: bool = False) -> None:
    # Narrow columns break Thai lines often: the segmenter's word breaks go into the text as zero-width
    # spaces, so Word and LibreOffice break at the same places and never inside a word.
    for i, line in enumerate(text.split("\n")):
        p = c.paragraphs[0] if i == 0 else c.add_paragraph()
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        add_text(p, with_breaks(line), bold=bold, size=size)


def _shade(c: _Cell, fill: str) -> None:
    tcpr = c._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))  # schema order: cantSplit before tblHeader
    trpr.append(OxmlElement("w:tblHeader"))


def _no_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _widths(table: DocxTable, widths: Sequence[Length]) -> None:
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for c, width in zip(row.cells, widths, strict=True):
            c.width = width
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        table._tbl.tblPr.insert_element_before(
            tblw,
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
        )
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))


def _qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=2)
    return out.getvalue()


# --- the cover memo (บันทึกข้อความ) ----------------------------------------------------------------------------

LABEL_PT = 20
MEMO_TITLE_PT = 29


def _memo(doc: DocumentObject, brief: dict[str, Any], voice: Voice) -> None:
    """A one-page บันทึกข้อความ for the receiving officer: heading, the four labelled lines with dotted
    leaders, เรียน, three paragraphs ending "จึงเรียนมาเพื่อโปรดพิจารณา", and a signature block to sign."""
    a, s = brief.get("assembly") or {}, brief.get("session") or {}
    summary, part = brief.get("summary") or {}, brief.get("participation") or {}
    width = text_width(doc.sections[-1])

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6)
    add_text(p, _("Memorandum"), bold=True, size=MEMO_TITLE_PT)

    def line(*fields: tuple[str, str, int]) -> None:
        """Labels in bold 20 pt, each followed by its value and a dotted leader to `stop`."""
        q = doc.add_paragraph()
        q.paragraph_format.space_after = Pt(2)
        for label, value, stop in fields:
            q.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
            add_text(q, label, bold=True, size=LABEL_PT)
            add_text(q, f" {value}" if value else " ")
            add_text(q, "\t")

    line((_("Government unit"), "", width))
    line((_("Our ref."), "", Cm(8)), ("  " + _("Date"), voice.date(brief.get("generated_at")), width))
    line((_("Subject"), _("Policy proposals from {title}", title=a.get("title", "")), width))
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(10), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
    add_text(p, _("Addressed to") + " \t")

    body = [
        _(
            "{assembly} held the session “{session}” at {venue}, {date}. {people} people took part and put "
            "{proposals} proposals to the assembly.",
            assembly=a.get("title", ""),
            session=s.get("title", ""),
            venue=a.get("venue", ""),
            date=voice.date_span(a.get("starts_on"), a.get("ends_on")),
            people=voice.num(part.get("took_part")),
            proposals=voice.num(summary.get("proposals")),
        ),
        _(
            "The assembly adopted {adopted} of them as its own and forwarded {forwarded} to the agencies "
            "responsible. The policy brief attached sets out each resolution with its level of agreement, and "
            "Part {part} gives the rows ready for the provincial development plan. It is proposed to consider the "
            "resolutions for the provincial plan and to inform the agencies concerned.",
            adopted=voice.num(summary.get("adopted")),
            forwarded=voice.num(summary.get("forwarded")),
            part=voice.d(6),
        ),
        _("For your consideration."),
    ]
    for i, text in enumerate(body):
        q = doc.add_paragraph()
        q.paragraph_format.first_line_indent = INDENT
        q.paragraph_format.space_before = Pt(8 if i == 0 else 4)
        if voice.lang == "th":
            q.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
        add_text(q, text)

    for i, text in enumerate((f"({DOTS})", _("Position") + " " + DOTS)):
        q = doc.add_paragraph()
        q.paragraph_format.left_indent = SIGNATURE_INDENT
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if i == 0:
            q.paragraph_format.space_before = Cm(2.2)
        add_text(q, text)


# --- public ------------------------------------------------------------------------------------------------------


def brief_docx(brief: dict[str, Any], *, thai_digits: bool = True, memo: bool = False) -> bytes:
    """The brief as DOCX; with `memo`, a บันทึกข้อความ cover memo on its own first page."""
    voice = Voice.of(brief, thai_digits)
    blocks = outline(brief, thai_digits=thai_digits)
    with language(voice.lang):
        doc = new_document(voice)
        set_page(doc.sections[0])
        number_pages(doc.sections[0], voice)
        if memo:
            _memo(doc, brief, voice)
            # The brief starts a new section: its own first page (the cover) unnumbered, numbering from 1.
            _new_section(doc, landscape=False, numbered_from_start=False, restart=True)
        Writer(doc, voice).write(blocks)
        a = brief.get("assembly") or {}
        doc.core_properties.title = a.get("title", "")
        doc.core_properties.subject = _("Assembly brief")
        doc.core_properties.keywords = brief.get("content_hash", "")
        _stamp(doc, brief)
        return to_bytes(doc)


def minutes_docx(brief: dict[str, Any], *, thai_digits: bool = True) -> bytes:
    """The session's record as minutes (form 11, รายงานการประชุม)."""
    voice = Voice.of(brief, thai_digits)
    blocks = minutes_outline(brief, thai_digits=thai_digits)
    with language(voice.lang):
        doc = new_document(voice)
        set_page(doc.sections[0])
        number_pages(doc.sections[0], voice)
        Writer(doc, voice).write(blocks)
        m = brief.get("minutes") or {}
        doc.core_properties.title = _("Minutes of {body}", body=m.get("body", ""))
        _stamp(doc, brief)
        return to_bytes(doc)
