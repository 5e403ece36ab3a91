"""A session's resolutions (มติ) as an official PDF and an editable DOCX.

Both are laid out from one outline, `outline(data)`, built from `export.resolution_json(session)`, so the
two files say the same words in the same order. The form is a National Health Assembly resolution
(THAI-CONTEXT.md section 2): per agenda item a heading (assembly, "ระเบียบวาระที่ ๑ ..."), "สมัชชา ...
ได้พิจารณารายงานเรื่อง ...", the preamble, "จึงมีมติดังต่อไปนี้", and the clauses still standing, numbered,
each with its level of agreement, its reservations verbatim, lead agency and partners. An annex then
records every amendment (word diff: insertions underlined, deletions struck through) and each clause's
versions.

The PDF reuses the brief's WeasyPrint set-up (`briefs/render_pdf.py`: Sarabun, the ActualText layer, Thai
line breaking, no network); the DOCX reuses the brief's Word styles (`briefs/render_docx.py`: TH SarabunIT๙
in the complex-script slot, A4 margins, "- ๒ -" page numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Emu, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markupsafe import Markup, escape

from deliberate.briefs import render_docx as office
from deliberate.briefs import render_pdf
from deliberate.briefs.officialese import Voice
from deliberate.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext, language
from deliberate.resolutions.export import STATUS_LABELS
from deliberate.resolutions.models import AMENDMENT_OPS, ANSWERS

_ = gettext

# Colours for a diff on screen and in colour print; underline and strike-through carry the meaning in grey.
ADDED_RGB = "1B6B32"
REMOVED_RGB = "9E1B1B"


# --- the outline -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    op: str  # "same" | "added" | "removed"
    text: str


@dataclass(frozen=True)
class AmendmentOut:
    heading: str  # "ข้อแก้ไขที่ ๑ (แก้ไขถ้อยคำ)"
    status: str  # "accepted" | "rejected" | "proposed": a class for the style sheet
    lines: tuple[str, ...]  # decision, reason, supporters, base version
    wording_label: str
    diff: tuple[Piece, ...]


@dataclass(frozen=True)
class Version:
    label: str  # "ฉบับที่ ๑ (ร่างเดิม)"
    text: str


@dataclass(frozen=True)
class ClauseOut:
    number: str | None  # "๑." ; None for a removed clause (it is left out of the resolution)
    heading: str  # in the annex: "ข้อ ๑" or "ข้อที่ตัดออก"
    text: str
    level: str  # "ระดับความเห็นพ้อง: มีข้อสงวน"
    reservations: tuple[str, ...]  # "ข้อสงวน: ..." each verbatim
    agencies: tuple[str, ...]  # "หน่วยงานหลัก: ...", "หน่วยงานร่วม: ..."
    check: Markup  # the last consensus check, for the annex
    amendments: tuple[AmendmentOut, ...]
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class ItemOut:
    heading: str  # "ระเบียบวาระที่ ๑ การดูแลผู้สูงอายุโดยชุมชน"
    draft_note: str  # "" when every clause is settled
    opening: str  # "สมัชชา... ได้พิจารณารายงานเรื่อง ..."
    preamble: tuple[str, ...]
    clauses: tuple[ClauseOut, ...]  # in order, removed ones included (they have no number)

    @property
    def standing(self) -> tuple[ClauseOut, ...]:
        return tuple(c for c in self.clauses if c.number is not None)


@dataclass(frozen=True)
class Outline:
    lang: str
    thai: bool
    title: str  # "มติสมัชชา..."
    place: str  # "ณ ... วันที่ ..."
    resolves: str  # "จึงมีมติดังต่อไปนี้"
    annex: str
    legend: str
    versions_label: str
    no_amendments: str
    none_yet: str
    items: tuple[ItemOut, ...]


def _language(data: dict[str, Any]) -> str:
    return data["language"] if data.get("language") in LANGUAGES else DEFAULT_LANGUAGE


def outline(data: dict[str, Any], *, thai_digits: bool = True) -> Outline:
    """What the resolution says, in order, in its language (call inside `language(...)` or not: it sets it)."""
    lang = _language(data)
    with language(lang):
        f = Voice(lang, thai_digits and lang == "th", unbroken=True)
        a = data.get("assembly") or {}
        assembly = a.get("title") or ""
        when = f.date_span(a.get("starts_on"), a.get("ends_on"))
        place = (
            _("At {venue}, {date}", venue=a["venue"], date=when)
            if a.get("venue") and when
            else _("At {venue}", venue=a["venue"])
            if a.get("venue")
            else when
        )
        answers = {**(data.get("answers") or {}), **{k: _(v) for k, v in ANSWERS.items()}}
        items = tuple(_item(item, n, assembly, answers, f) for n, item in enumerate(data.get("items") or [], 1))
        return Outline(
            lang=lang,
            thai=f.thai,
            title=_("Resolution of {assembly}", assembly=assembly),
            place=place,
            resolves=_("resolves as follows:"),
            annex=_("Annex: History of the amendments to the clauses"),
            legend=_("Words an amendment adds are underlined; words it removes are struck through."),
            versions_label=_("Text of the clause in each version"),
            no_amendments=_("No amendment was proposed."),
            none_yet=_("None yet."),
            items=items,
        )


def _item(item: dict[str, Any], n: int, assembly: str, answers: dict[str, str], f: Voice) -> ItemOut:
    clauses = tuple(_clause(c, answers, f) for c in item.get("clauses") or [])
    unsettled = any(c.get("status") != "adopted" for c in item.get("clauses") or [] if c.get("status") != "removed")
    return ItemOut(
        heading=_("Agenda item {no}: {heading}", no=f.d(n), heading=item.get("title") or ""),
        draft_note=_("(Draft: some clauses are not yet settled)") if unsettled else "",
        opening=_(
            "{assembly}, having considered the report on {title},", assembly=assembly, title=item.get("title") or ""
        ),
        preamble=tuple(p for p in item.get("preamble") or [] if p and p.strip()),
        clauses=clauses,
    )


def level_of_agreement(clause: dict[str, Any]) -> str:
    """ฉันทามติ when adopted without reservations, มีข้อสงวน with them (THAI-CONTEXT §2), ยังไม่ได้ข้อยุติ otherwise."""
    if clause.get("status") == "adopted":
        return _("Consensus, with reservations") if clause.get("reservations") else _("Consensus (no reservations)")
    return _("Not yet settled")


def _join(names: list[str], lang: str) -> str:
    """ "A, B and C" / "A B และC", the way a Thai list of agencies reads."""
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names)
    head = (" " if lang == "th" else ", ").join(names[:-1])
    return _("{first} and {last}", first=head, last=names[-1])


def _clause(c: dict[str, Any], answers: dict[str, str], f: Voice) -> ClauseOut:
    removed = c.get("status") == "removed" or c.get("number") is None
    agencies = []
    if c.get("lead_agency"):
        agencies.append(_("Lead agency:") + " " + c["lead_agency"])
    if c.get("partners"):
        agencies.append(_("Partners:") + " " + _join(list(c["partners"]), f.lang))
    amendments = list(c.get("amendments") or [])
    index = {a["id"]: n for n, a in enumerate(amendments, 1)}
    history = list(c.get("history") or [])
    return ClauseOut(
        number=None if removed else f.d(c["number"]) + ".",
        heading=_("Removed clause") if removed else _("Clause {n}", n=f.d(c["number"])),
        text=c.get("text") or "",
        level=_("Level of agreement: {level}", level=level_of_agreement(c)),
        reservations=tuple(_("Reservation: {text}", text=r) for r in c.get("reservations") or [] if r),
        agencies=tuple(agencies),
        check=_check(c.get("last_check"), answers, f),
        amendments=tuple(_amendment(a, n, history, f) for n, a in enumerate(amendments, 1)),
        versions=tuple(_version(v, index, f) for v in history),
    )


def _check(check: dict[str, Any] | None, answers: dict[str, str], f: Voice) -> Markup:
    """The last closed check. Markup, because each count stays on one line in the PDF ("ข้อสงวน ๑" must
    not break between ข้อ and สงวน); the DOCX takes its plain text."""
    if not check:
        return escape(_("No consensus check has been closed on this clause."))
    counts = check.get("counts") or {}
    parts = [
        Markup('<span class="nobreak">{} {}</span>').format(answers.get(key, key), f.num(counts.get(key) or 0))
        for key in ANSWERS
    ]
    outcome = check.get("outcome")
    message = escape(_("Last consensus check: {outcome} ({counts}; {people} answered)"))
    return message.format(
        outcome=_(STATUS_LABELS[outcome]) if outcome in STATUS_LABELS else outcome or "",
        counts=(Markup(" ") if f.lang == "th" else Markup(", ")).join(parts),
        people=f.people(check.get("total") or 0),
    )


DECISIONS = {
    "accepted": N_("Amendment accepted"),
    "rejected": N_("Amendment rejected"),
    "merged": N_("Merged into another amendment"),
    "proposed": N_("Not yet decided"),
}


def _amendment(a: dict[str, Any], n: int, history: list[dict[str, Any]], f: Voice) -> AmendmentOut:
    op = a.get("op")
    label = _(AMENDMENT_OPS[op]) if op in AMENDMENT_OPS else a.get("op_label") or ""
    status: str = a["status"] if a.get("status") in DECISIONS else "proposed"
    lines = [_("Decision: {status}", status=_(DECISIONS[status]))]
    if a.get("reason"):
        lines.append(_("Reason: {reason}", reason=a["reason"]))
    lines.append(_("Supporters: {people}", people=f.people(a.get("backers") or 0)))
    if a.get("base_version"):
        lines.append(_("Proposed against version {n}", n=f.d(a["base_version"])))
    base = next((v.get("text") or "" for v in history if v.get("version") == a.get("base_version")), "")
    if a.get("diff"):
        diff = tuple(Piece(p["op"], p["text"]) for p in a["diff"] if p.get("text"))
    elif op == "delete":
        diff = (Piece("removed", base),) if base else ()
    else:  # a new clause, or a wording without a diff: all of it is new
        diff = (Piece("added", a["text"]),) if a.get("text") else ()
    return AmendmentOut(
        heading=_("Amendment {n} ({op})", n=f.d(n), op=label),
        status=status,
        lines=tuple(lines),
        wording_label=_("Wording proposed:"),
        diff=diff,
    )


def _version(v: dict[str, Any], index: dict[int, int], f: Voice) -> Version:
    n = f.d(v.get("version"))
    if v.get("amendment_id") in index:
        label = _("Version {n} (by amendment {a})", n=n, a=f.d(index[v["amendment_id"]]))
    elif v.get("amendment_id") is None and v.get("version") == 1:
        label = _("Version {n} (the draft)", n=n)
    else:
        label = _("Version {n}", n=n)
    return Version(label, v.get("text") or "")


# --- PDF ---------------------------------------------------------------------------------------------------


def resolution_pdf(data: dict[str, Any], *, thai_digits: bool = True) -> bytes:
    """The resolutions as an A4 PDF: each agenda item from a new page, then the annex."""
    doc = outline(data, thai_digits=thai_digits)
    return render_pdf.render("resolutions/resolution_print.html", data, thai_digits, doc=doc)


# --- DOCX --------------------------------------------------------------------------------------------------

META_PT = 14  # level of agreement, reservations, agencies under a clause; the annex


def resolution_docx(data: dict[str, Any], *, thai_digits: bool = True) -> bytes:
    """The same outline as an editable Word file in the brief's house style (TH SarabunIT๙ 16 pt)."""
    doc_out = outline(data, thai_digits=thai_digits)
    voice = Voice(doc_out.lang, doc_out.thai)
    with language(voice.lang):
        doc = office.new_document(voice)
        office.set_page(doc.sections[0])
        office.number_pages(doc.sections[0], voice)
        _Word(doc, voice).write(doc_out)
        doc.core_properties.title = doc_out.title
        doc.core_properties.subject = doc_out.title
        return office.to_bytes(doc)


class _Word:
    def __init__(self, doc: DocumentObject, voice: Voice) -> None:
        self.doc, self.voice = doc, voice
        self.break_before = False

    def paragraph(
        self,
        *,
        indent: Length | None = None,
        left: Length | None = None,
        size: float | None = None,
        before: float = 0,
        keep: bool = False,
        center: bool = False,
    ) -> Paragraph:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        if self.break_before:
            fmt.page_break_before, self.break_before = True, False
        if indent is not None:
            fmt.first_line_indent = indent
        if left is not None:
            fmt.left_indent = left
        if before:
            fmt.space_before = Pt(before)
        fmt.keep_with_next = keep
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif self.voice.lang == "th" and indent is not None:
            p.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY  # as offices set body text in Word
        return p

    def text(self, p: Paragraph, text: str, *, bold: bool = False, size: float | None = None) -> None:
        office.add_text(p, text, bold=bold, size=size)

    def heading(self, text: str, *, size: float, before: float = 0, center: bool = False) -> None:
        p = self.paragraph(before=before, keep=True, center=center)
        self.text(p, text, bold=True, size=size)

    def write(self, out: Outline) -> None:
        items = out.items
        if not items:
            self.heading(out.title, size=18, center=True)
            self.text(self.paragraph(indent=office.INDENT), out.none_yet)
        for i, item in enumerate(items):
            self.break_before = i > 0
            self.resolution(out, item)
        if any(item.clauses for item in items):
            self.break_before = True
            self.annex(out)

    def resolution(self, out: Outline, item: ItemOut) -> None:
        self.heading(out.title, size=18, center=True)
        self.heading(item.heading, size=16, center=True)
        if out.place:
            self.text(self.paragraph(center=True, keep=True), out.place)
        if item.draft_note:
            self.text(self.paragraph(center=True, keep=True), item.draft_note, size=META_PT)
        self.text(self.paragraph(indent=office.INDENT, before=12), item.opening)
        for text in item.preamble:
            self.text(self.paragraph(indent=office.INDENT), text)
        self.text(self.paragraph(indent=office.INDENT, keep=True), out.resolves)
        if not item.standing:
            self.text(self.paragraph(indent=office.INDENT), out.none_yet)
        for c in item.standing:
            p = self.paragraph(indent=office.INDENT, before=4, keep=True)
            self.text(p, f"{c.number} {c.text}")
            notes = (c.level, *c.reservations, *c.agencies)
            for n, note in enumerate(notes):
                q = self.paragraph(left=Emu(office.INDENT + Cm(0.75)), keep=n < len(notes) - 1)
                self.text(q, note, size=META_PT)

    def annex(self, out: Outline) -> None:
        self.heading(out.annex, size=18, center=True)
        self.text(self.paragraph(indent=office.INDENT), out.legend, size=META_PT)
        for item in out.items:
            if not item.clauses:
                continue
            self.heading(item.heading, size=16, before=12)
            for c in item.clauses:
                p = self.paragraph(before=8, keep=True)
                self.text(p, c.heading, bold=True)
                if c.number is None:  # a removed clause has no number to refer to: its text instead
                    self.text(p, " " + c.text)
                self.text(self.paragraph(left=Cm(0.75), keep=True), c.check.striptags(), size=META_PT)
                if not c.amendments:
                    self.text(self.paragraph(left=Cm(0.75), keep=True), out.no_amendments, size=META_PT)
                for a in c.amendments:
                    self.text(self.paragraph(left=Cm(0.75), before=4, keep=True), a.heading, bold=True, size=META_PT)
                    for line in a.lines:
                        self.text(self.paragraph(left=Cm(1.5), keep=True), line, size=META_PT)
                    p = self.paragraph(left=Cm(1.5))
                    self.text(p, a.wording_label + " ", size=META_PT)
                    self.diff(p, a.diff)
                p = self.paragraph(left=Cm(0.75), before=4, keep=True)
                self.text(p, out.versions_label, bold=True, size=META_PT)
                for n, v in enumerate(c.versions):
                    q = self.paragraph(left=Cm(1.5), keep=n < len(c.versions) - 1)
                    self.text(q, f"{v.label}: {v.text}", size=META_PT)

    def diff(self, p: Paragraph, pieces: tuple[Piece, ...]) -> None:
        """Deleted words as struck-through runs, inserted words as underlined ones (colour is a bonus)."""
        for i, piece in enumerate(pieces):
            if (
                i
                and piece.op == "added"
                and pieces[i - 1].op == "removed"
                and not (piece.text[:1].isspace() or pieces[i - 1].text[-1:].isspace())
            ):
                office.add_text(p, " ", size=META_PT)  # "old new" rather than "oldnew", as the PDF spaces them
            run = p.add_run(piece.text)
            office.set_fonts(run._r.get_or_add_rPr(), size=META_PT, name=False)
            if piece.op == "added":
                run.font.underline = True
                run.font.color.rgb = RGBColor.from_string(ADDED_RGB)
            elif piece.op == "removed":
                run.font.strike = True
                run.font.color.rgb = RGBColor.from_string(REMOVED_RGB)
