"""What the brief and the minutes say, in order, as a list of blocks: the one outline that the Markdown
(`render_md`) and Word (`render_docx`) renderers lay out, so they cannot drift apart.

`outline(brief)` follows the PDF (`templates/briefs/brief.html`): cover; ส่วนที่ ๑-๗; annexes; the content
hash last, with the PDF's wording (the same msgids). `minutes_outline(brief)` follows
`templates/briefs/minutes.html`. Tables take their values from `render_tables`, the source of the
spreadsheets.

Every label goes through gettext inside `language(brief["language"])`. Numbers and dates are written by
`officialese.Voice`: with `thai_digits` (a Thai brief only) prose, dates and numbering get Thai digits;
counts and budgets in tables stay Arabic, as in offices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deliberate.briefs import officialese as oe
from deliberate.briefs.officialese import Voice
from deliberate.briefs.render_tables import (
    MONEY,
    NUMBER,
    SHARE,
    Brief,
    Column,
    refs,
    round_rows,
    sheet_rows,
)
from deliberate.i18n import N_, language
from deliberate.i18n import gettext as _

# --- blocks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    link: str | None = None


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Cover:
    kicker: str
    title: str
    subtitle: str
    lines: tuple[str, ...]
    link: str | None = None  # the open data, also drawn as a QR code in the DOCX
    footer: tuple[Runs, ...] = ()


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 part or annex, 2 issue, 3 proposal


@dataclass(frozen=True)
class Para:
    runs: Runs
    # body: 2.5 cm first-line indent; plain: flush left; center; note: smaller, flush; hash: small, breaks anywhere;
    # signature: the centred block about 8 cm in
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[Runs, ...]


@dataclass(frozen=True)
class Fact:
    label: str
    value: Runs
    items: tuple[str, ...] = ()  # a list under the value (arguments)


@dataclass(frozen=True)
class Facts:
    rows: tuple[Fact, ...]


@dataclass(frozen=True)
class Clause:
    number: str
    text: str
    notes: tuple[Runs, ...] = ()
    items: tuple[str, ...] = ()  # reservations


@dataclass(frozen=True)
class Clauses:
    items: tuple[Clause, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # a cell may hold several lines ("\n")
    widths: tuple[float, ...]  # relative
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns
    small: bool = False
    caption: str = ""
    total: bool = False  # the last row is a total (bold)
    # Rows taller than a page's rest may run on to the next page (under the repeated header), so the table
    # starts right below its heading instead of leaving the heading alone at the foot of a page.
    tall_rows: bool = False


@dataclass(frozen=True)
class Break:
    kind: str  # "page" | "landscape" | "portrait"


Block = Cover | Heading | Para | Bullets | Facts | Clauses | Table | Break


def para(*parts: str | Run, style: str = "body") -> Para:
    return Para(tuple(p if isinstance(p, Run) else Run(p) for p in parts if p), style)


def bold(text: str) -> Run:
    return Run(text, bold=True)


# --- table cells ------------------------------------------------------------------------------------------


def tnum(value: float | int | None) -> str:
    """A count or an amount in a table: Arabic, "-" when there is none."""
    if value is None:
        return "-"
    return oe.number(value, False, 0 if float(value).is_integer() else 2)


def tpct(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def cell(value: Any, col: Column) -> str:
    if value is None or value == "":
        return "-"
    if col.kind in (MONEY, NUMBER) and isinstance(value, (int, float)):
        return tnum(value)
    if col.kind == SHARE and isinstance(value, (int, float)):
        return tpct(value)
    return str(value)


# Beside every table of proposals: what the ranking figure is made of (the same msgid as the PDF).
COUNT_NOTE = N_(
    "Proposals are ranked by one count, the same as in the results shown in the hall; beside it, how much "
    "came from participants' own phones, from staff entering for people without one, and from paper ballots."
)


def count_label(brief: Brief) -> str:
    """The heading of the ranking figure's column: "Supports", "Dots", "Borda points"..."""
    return str((brief.get("ranking") or {}).get("count_label") or _("Supporters"))


def count_cell(brief: Brief, p: dict[str, Any]) -> str:
    """The one count, its split by source, and in a support ranking the share of all supporters."""
    if "count" not in p:  # a brief made before the one count: its supporters
        return lines(tnum(p.get("supports")), f"({tpct(p.get('support_share'))})")
    share = p.get("support_share") if (brief.get("ranking") or {}).get("method") == "support" else None
    return lines(tnum(p["count"]), *count_sources(p), f"({tpct(share)})" if share is not None else None)


def count_sources(p: dict[str, Any]) -> list[str]:
    """ "โทรศัพท์ 1 · เจ้าหน้าที่กรอก 0 · กระดาษ 25" -> ["โทรศัพท์ 1", "กระดาษ 25"]: one source a line, no zeros."""
    parts = (p.get("count_text") or "").split(" · ")
    return [part for part in parts if part and part.rsplit(" ", 1)[-1] not in ("0", "0.0")]


def lines(*parts: str | None) -> str:
    """Several values in one table cell, one per line; "-" when all are empty."""
    return "\n".join(p for p in parts if p) or "-"


# --- the outline --------------------------------------------------------------------------------------------


def outline(brief: Brief, *, thai_digits: bool = True) -> list[Block]:
    """Everything the brief says, in order, as blocks; strings already in the brief's language."""
    voice = Voice.of(brief, thai_digits)
    with language(voice.lang):
        return [
            _cover(brief, voice),
            Break("page"),
            *_summary(brief, voice),
            *_background(brief, voice),
            *_findings(brief, voice),
            *_resolution(brief, voice),
            *_commitments(brief, voice),
            *_plan(brief, voice),
            *_follow_up(brief, voice),
            *_annexes(brief, voice),
        ]


def _none(text: str | None = None) -> Para:
    return para(text or _("None yet."), style="plain")


def _ref(brief: Brief, pid: int) -> str:
    return refs(brief).get(pid, f"P{pid}")


def _cover(brief: Brief, voice: Voice) -> Cover:
    a, s = brief.get("assembly") or {}, brief.get("session") or {}
    version = _("Version {n}", n=voice.d(brief.get("version")))
    if brief.get("generated_at"):
        version += " · " + _("prepared on {date}", date=voice.date(brief["generated_at"]))
    link = (brief.get("links") or {}).get("open_data")
    footer: list[Runs] = []
    if link:
        footer.append((Run(_("Open data (JSON):") + " "), Run(link, link=link)))
    footer.append((Run(_("Content hash (SHA-256):") + "\n"), Run(brief.get("content_hash", ""))))
    return Cover(
        kicker=_("Assembly brief"),
        title=a.get("title", ""),
        subtitle=a.get("subtitle") or "",
        lines=tuple(
            x
            for x in (
                s.get("title"),
                _("At {venue}", venue=a["venue"]) if a.get("venue") else "",
                voice.date_span(a.get("starts_on"), a.get("ends_on")),
                version,
            )
            if x
        ),
        link=link,
        footer=tuple(footer),
    )


def _summary(brief: Brief, voice: Voice) -> list[Block]:
    s = brief.get("summary") or {}
    blocks: list[Block] = [
        Heading(_("Part {n}: Summary of proposals", n=voice.d(1)), 1),
        para(
            _(
                "Proposals received: {proposals}; comments: {comments}; supports: {supports}. Adopted by the assembly: "
                "{adopted}; forwarded to the agencies responsible: {forwarded}; commitments to act: {commitments}.",
                proposals=voice.num(s.get("proposals")),
                comments=voice.num(s.get("comments")),
                supports=voice.num(s.get("supports")),
                adopted=voice.num(s.get("adopted")),
                forwarded=voice.num(s.get("forwarded")),
                commitments=voice.num(s.get("commitments")),
            )
        ),
    ]
    blocks += [para(text) for text in summary_extras(brief, voice)]
    proposals = brief.get("proposals") or []
    if not proposals:
        return blocks if len(blocks) > 2 else [*blocks, _none()]
    blocks.append(
        Table(
            (
                _("Rank"),
                _("Proposal"),
                _("Strategic issue"),
                count_label(brief),
                _("Level of agreement"),
                _("Decision"),
            ),
            tuple(
                (
                    tnum(p.get("rank")),
                    f"{_ref(brief, p['id'])} {p['title']}",
                    p.get("theme", ""),
                    count_cell(brief, p),
                    (p.get("agreement") or {}).get("label", ""),
                    (p.get("answer") or {}).get("state_label") or _("Not yet decided"),
                )
                for p in proposals
            ),
            (10, 26, 17, 17, 16, 14),
            frozenset({0, 3}),
        )
    )
    blocks.append(
        para(
            _("Supporters: people who supported the proposal, and their share of everyone who supported any proposal.")
            + " "
            + _(COUNT_NOTE),
            style="note",
        )
    )
    return blocks


def summary_extras(brief: Brief, voice: Voice) -> list[str]:
    """Part 1's sentences on the resolution and on the opinion map, when the session had them."""
    out = []
    s = brief.get("summary") or {}
    if brief.get("resolution"):
        out.append(
            _(
                "Resolution clauses adopted: {adopted}; not adopted: {rest}.",
                adopted=voice.num(s.get("clauses_adopted")),
                rest=voice.num(s.get("clauses_not_adopted")),
            )
        )
    o = brief.get("opinion")
    if o:
        out.append(
            _(
                "{people} people marked {statements} statements; the opinion map found {groups} groups.",
                people=voice.num(o.get("participants")),
                statements=voice.num(o.get("statements")),
                groups=voice.num(len(o.get("groups") or [])),
            )
        )
    return out


def _background(brief: Brief, voice: Voice) -> list[Block]:
    a, s, p = brief.get("assembly") or {}, brief.get("session") or {}, brief.get("participation") or {}
    opening = _(
        "{assembly} held the session “{session}” at {venue}, {date}.",
        assembly=a.get("title", ""),
        session=s.get("title", ""),
        venue=a.get("venue", ""),
        date=voice.date_span(a.get("starts_on"), a.get("ends_on")),
    )
    if s.get("opened_at") and s.get("closed_at"):
        opening += " " + _(
            "The session opened at {start} and closed at {end}.",
            start=voice.time(s["opened_at"]),
            end=voice.time(s["closed_at"]),
        )
    elif s.get("opened_at"):
        opening += " " + _("The session opened at {start}.", start=voice.time(s["opened_at"]))
    blocks: list[Block] = [
        Heading(_("Part {n}: Background and participation", n=voice.d(2)), 1),
        para(opening),
        para(
            _(
                "{joined} people joined the session, {took_part} of them took part by proposing, commenting, "
                "supporting or voting, and {assisted} took part with a facilitator entering their views for them.",
                joined=voice.num(p.get("joined")),
                took_part=voice.num(p.get("took_part")),
                assisted=voice.num(p.get("assisted")),
            )
            + " "
            + _("This brief names no one, except people who asked to be credited for their proposal.")
        ),
    ]
    for title, label, groups in (
        (_("Participants by sector"), _("Sector"), p.get("by_sector")),
        (_("Participants by sub-district"), _("Sub-district"), p.get("by_subdistrict")),
    ):
        blocks.append(Heading(title, 2))
        if groups:
            blocks.append(
                Table(
                    (label, _("Number of people")),
                    tuple((g["label"], tnum(g["count"])) for g in groups),
                    (40, 12),
                    frozenset({1}),
                )
            )
        else:
            blocks.append(_none())
    withheld = p.get("withheld") or {}
    blocks.append(
        para(
            _(
                "To protect personal data, groups of fewer than {n} people are not shown on their own: {sector} people "
                "are pooled or left out of the table by sector, and {subdistrict} of the table by sub-district.",
                n=voice.num(p.get("min_group")),
                sector=voice.num(withheld.get("sector")),
                subdistrict=voice.num(withheld.get("subdistrict")),
            ),
            style="note",
        )
    )
    return blocks


def _findings(brief: Brief, voice: Voice) -> list[Block]:
    blocks: list[Block] = [Heading(_("Part {n}: Findings by strategic issue", n=voice.d(3)), 1)]
    proposals = brief.get("proposals") or []
    by_id = {p["id"]: p for p in proposals}
    themed = {pid for t in brief.get("themes") or [] for pid in t.get("proposal_ids", [])}
    empty = []
    for i, theme in enumerate(brief.get("themes") or [], start=1):
        members = [by_id[pid] for pid in theme.get("proposal_ids", []) if pid in by_id]
        if not members:  # issues without proposals share one line, not a heading and a page each
            empty.append(f"{voice.d(i)}. {theme['name']}")
            continue
        blocks.append(Heading(_("Issue {n}: {name}", n=voice.d(i), name=theme["name"]), 2))
        blocks += [b for p in members for b in _proposal(brief, p, voice)]
    unthemed = [p for p in proposals if p["id"] not in themed]
    if unthemed:
        blocks.append(Heading(_("Proposals outside the strategic issues"), 2))
        blocks += [b for p in unthemed for b in _proposal(brief, p, voice)]
    if empty and proposals:
        blocks.append(para(_("Strategic issues without proposals:") + " " + "; ".join(empty), style="note"))
    if not proposals and not brief.get("opinion"):
        blocks.append(_none())
    blocks += _rounds(brief, voice)
    blocks += _opinion(brief.get("opinion"), voice)
    return blocks


def _proposal(brief: Brief, p: dict[str, Any], voice: Voice) -> list[Block]:
    comments, proposers = p.get("comments") or {}, p.get("proposers") or {}
    arguments = p.get("arguments") or {}
    facts = [
        Fact(
            _("Support"),
            (
                Run(
                    _(
                        "{people} ({share} of those who supported any proposal), rank {rank}",
                        people=voice.people(p.get("supports") or 0),
                        share=voice.pct(p.get("support_share")),
                        rank=voice.d(p.get("rank")),
                    )
                ),
            ),
        ),
        Fact(_("Level of agreement"), (Run((p.get("agreement") or {}).get("label", "")),)),
    ]
    if "count" in p:
        facts.insert(1, Fact(count_label(brief), (Run(f"{tnum(p['count'])} ({p.get('count_text', '')})"),)))
    if p.get("target_groups"):
        facts.append(Fact(_("Target groups"), (Run(", ".join(p["target_groups"])),)))
    if proposers:
        text = voice.people(proposers.get("count") or 0)
        if proposers.get("by_sector"):
            text += " (" + ", ".join(f"{g['label']} {voice.num(g['count'])}" for g in proposers["by_sector"]) + ")"
        runs = [Run(text)]
        if proposers.get("credited"):
            runs.append(Run("\n" + _("Credited with their consent:") + " " + ", ".join(proposers["credited"])))
        facts.append(Fact(_("Proposed by"), tuple(runs)))
    if p.get("merged_from"):
        facts.append(Fact(_("Merged from"), (Run(", ".join(_ref(brief, pid) for pid in p["merged_from"])),)))
    if p.get("by_sector"):
        facts.append(
            Fact(
                _("Support by sector"),
                (Run("\n".join(f"{g['label']} {voice.people(g['supporters'])}" for g in p["by_sector"])),),
            )
        )
    facts.append(
        Fact(
            _("Arguments for"),
            (Run(_("Comments for: {n}", n=voice.num(comments.get("for")))),),
            tuple(a["text"] for a in arguments.get("for") or []),
        )
    )
    facts.append(
        Fact(
            _("Arguments against"),
            (Run(_("Comments against: {n}", n=voice.num(comments.get("against")))),),
            tuple(a["text"] for a in arguments.get("against") or []),
        )
    )
    answer = p.get("answer")
    if answer:
        decision = answer.get("state_label", "") + (f": {answer['reason']}" if answer.get("reason") else "")
        extra = [decision]
        if answer.get("programme"):
            extra.append(_("Programme:") + " " + answer["programme"])
        if answer.get("lead_agency"):
            extra.append(_("Lead agency:") + " " + answer["lead_agency"])
        if answer.get("partners"):
            extra.append(_("Partners:") + " " + answer["partners"])
        if answer.get("budget") is not None:
            extra.append(_("Estimated budget: {baht} baht", baht=voice.num(answer["budget"])))
        if answer.get("fiscal_year"):
            extra.append(_("Fiscal year {year}", year=voice.d(answer["fiscal_year"])))
        facts.append(Fact(_("Decision"), (Run("\n".join(extra)),)))
    else:
        facts.append(Fact(_("Decision"), (Run(_("Not yet decided")),)))
    blocks: list[Block] = [Heading(f"{_ref(brief, p['id'])} {p['title']}", 3)]
    if p.get("body"):
        blocks.append(para(p["body"]))
    blocks.append(Facts(tuple(facts)))
    return blocks


def _rounds(brief: Brief, voice: Voice) -> list[Block]:
    blocks: list[Block] = [Heading(_("Voting rounds"), 2)]
    rounds = brief.get("rounds") or []
    if not rounds:
        return [*blocks, _none(_("No voting round has been closed yet."))]
    ref = refs(brief)
    cols = {c.key: c for c in sheet_rows(brief, "results")[0]}
    for r in rounds:
        blocks.append(
            para(
                bold(r.get("title", "")),
                f" ({r.get('method_label', '')}) ",
                _("Voters: {n}", n=voice.num(r.get("voters"))),
                style="plain",
            )
        )
        blocks.append(
            Table(
                (_("Rank"), _("Proposal"), _("Score"), _("Outcome")),
                tuple(
                    (
                        cell(row["rank"], cols["rank"]),
                        f"{row['ref']} {row['title']}",
                        row["figure_label"] or "-",
                        row["passes"],
                    )
                    for row in round_rows(r, ref)
                ),
                (10, 50, 14, 12),
                frozenset({0, 2}),
            )
        )
    return blocks


def _opinion(o: dict[str, Any] | None, voice: Voice) -> list[Block]:
    blocks: list[Block] = [Heading(_("Opinion map"), 2)]
    if not o:
        return [*blocks, _none(_("This session had no statements to map."))]
    blocks.append(
        para(
            _(
                "{people} people marked {statements} statements as agree, disagree or pass; the opinion "
                "map groups people who marked alike.",
                people=voice.num(o.get("participants")),
                statements=voice.num(o.get("statements")),
            )
        )
    )

    def marked(text: str, share: float | None, agree: bool = True) -> Runs:
        how = _("{share} agree", share=voice.pct(share)) if agree else _("{share} disagree", share=voice.pct(share))
        return (Run(f"{text}: {how}"),)

    for g in o.get("groups") or []:
        blocks.append(
            para(bold(_("Group {name}", name=g["name"])), f" ({voice.people(g.get('size') or 0)})", style="plain")
        )
        blocks.append(
            Bullets(
                tuple(
                    marked(st["text"], st.get("share"), st.get("direction") == "agree")
                    for st in g.get("representative") or []
                )
            )
        )
    blocks.append(para(bold(_("Statements most people agree on")), style="plain"))
    blocks.append(
        Bullets(tuple(marked(st["text"], st.get("agree_share")) for st in o.get("consensus") or []))
        if o.get("consensus")
        else _none()
    )
    blocks.append(para(bold(_("Statements that divide the groups")), style="plain"))
    blocks.append(
        Bullets(tuple((Run(st["text"]),) for st in o.get("divisive") or [])) if o.get("divisive") else _none()
    )
    return blocks


def _resolution(brief: Brief, voice: Voice) -> list[Block]:
    a, s = brief.get("assembly") or {}, brief.get("session") or {}
    blocks: list[Block] = [Heading(_("Part {n}: Proposals of the assembly", n=voice.d(4)), 1)]
    resolution = brief.get("resolution") or {}
    if resolution.get("items"):
        blocks.append(para(_("The assembly decided clause by clause, by consensus check; the resolution it adopted:")))
        for item in resolution["items"]:
            blocks += _agenda_item(item, a, voice)
        return blocks
    blocks.append(
        para(
            _(
                "{assembly}, having considered the proposals of the session “{session}”, {date},",
                assembly=a.get("title", ""),
                session=s.get("title", ""),
                date=voice.date_span(a.get("starts_on"), a.get("ends_on")),
            )
        )
    )
    adopted = [p for p in brief.get("proposals") or [] if p.get("clause")]
    if not adopted:
        return [*blocks, _none(_("No proposal has been adopted or forwarded yet."))]
    blocks.append(para(_("resolves as follows:")))
    clauses = []
    for i, p in enumerate(adopted, start=1):
        opposing = p.get("opposing", p.get("reservations")) or []
        notes: list[Runs] = [
            (
                Run(
                    _(
                        "Level of agreement: {label} ({share} of supporters, {ref})",
                        label=(p.get("agreement") or {}).get("label", ""),
                        share=voice.pct(p.get("support_share")),
                        ref=_ref(brief, p["id"]),
                    )
                ),
            ),
            (Run(_("Opposing comments recorded:") if opposing else _("No opposing comments recorded.")),),
        ]
        clauses.append(Clause(f"{voice.d(i)}.", p["clause"], tuple(notes), tuple(opposing)))
    blocks.append(Clauses(tuple(clauses)))
    return blocks


def clause_notes(c: dict[str, Any], voice: Voice) -> tuple[Runs, ...]:
    """Under an adopted clause: its level of agreement, the check's answers, by sector, and the reservations."""
    check = c.get("check") or {}
    notes: list[Runs] = [(Run(_("Level of agreement: {level}", level=c.get("level_label", ""))),)]
    if check:
        notes.append(
            (
                Run(
                    _(
                        "Consensus check: {counts} ({people} answered)",
                        counts=voice.d(check.get("counts_text", "")),
                        people=voice.people(check.get("total") or 0),
                    )
                ),
            )
        )
        notes += [(Run(f"{g['label']}: {voice.d(g['text'])}"),) for g in check.get("by_sector") or []]
    notes.append((Run(_("Reservations recorded:") if c.get("reservations") else _("No reservations recorded.")),))
    return tuple(notes)


def not_adopted_line(c: dict[str, Any], voice: Voice) -> str:
    """ "Draft clause 3: text. Not adopted: why." """
    head = _("Draft clause {n}", n=voice.d(c["draft_no"])) if c.get("draft_no") else _("Removed clause")
    return _(
        "{clause}: {text} Not adopted: {why}.", clause=head, text=c.get("text", ""), why=voice.d(c.get("why_label", ""))
    )


def _agenda_item(item: dict[str, Any], a: dict[str, Any], voice: Voice) -> list[Block]:
    blocks: list[Block] = [
        Heading(_("Agenda item {no}: {heading}", no=voice.d(item.get("no")), heading=item.get("title", "")), 2),
        para(
            _(
                "{assembly}, having considered the report on {title},",
                assembly=a.get("title", ""),
                title=item.get("title", ""),
            )
        ),
        *(para(text) for text in item.get("preamble") or []),
    ]
    adopted = [c for c in item.get("clauses") or [] if c.get("status") == "adopted"]
    if adopted:
        blocks.append(para(_("resolves as follows:")))
        blocks.append(
            Clauses(
                tuple(
                    Clause(
                        f"{voice.d(c['number'])}.", c.get("text", ""), clause_notes(c, voice), tuple(c["reservations"])
                    )
                    for c in adopted
                )
            )
        )
    else:
        blocks.append(_none(_("No clause of this agenda item has been adopted.")))
    rest = [c for c in item.get("clauses") or [] if c.get("status") != "adopted"]
    if rest:
        blocks.append(para(bold(_("Clauses not adopted")), style="plain"))
        blocks.append(
            Bullets(
                tuple(
                    (
                        Run(not_adopted_line(c, voice)),
                        *(
                            (Run("\n" + _("Reasons given:") + " " + " / ".join(c["objections"])),)
                            if c.get("objections")
                            else ()
                        ),
                    )
                    for c in rest
                )
            )
        )
    return blocks


def _commitments(brief: Brief, voice: Voice) -> list[Block]:
    blocks: list[Block] = [Heading(_("Part {n}: Commitments to act", n=voice.d(5)), 1)]
    if not brief.get("commitments"):
        return [*blocks, _none()]
    blocks.append(
        Table(
            (_("Proposal"), _("Committed by"), _("Role"), _("Commitment"), _("Due by")),
            tuple(
                (
                    _ref(brief, c["proposal_id"]) if c.get("proposal_id") is not None else "-",
                    c.get("who", ""),
                    c.get("role_label", ""),
                    c.get("what", ""),
                    voice.date(c.get("due")) or "-",
                )
                for c in brief["commitments"]
            ),
            (10, 20, 13, 30, 18),
        )
    )
    return blocks


def _not_given() -> str:
    return _("Not given by the staff")


def _plan(brief: Brief, voice: Voice) -> list[Block]:
    heading = Heading(_("Part {n}: Proposals for the provincial development plan", n=voice.d(6)), 1)
    if not brief.get("plan_rows"):
        return [heading, _none()]
    cols, rows = sheet_rows(brief, "plan")
    index = {c.key: i for i, c in enumerate(cols)}
    table_rows = []
    for values in rows:
        v = {c.key: values[index[c.key]] for c in cols}
        table_rows.append(
            (
                v["ref"] or "-",
                lines(v["issue"], _("Approach:") + " " + v["approach"]),
                lines(v["project"], v["rationale"]),
                lines(
                    _("Objectives:") + " " + v["objectives"],
                    _("Targets:") + " " + v["targets"],
                    _("Indicators:") + " " + v["indicators"],
                ),
                lines(v["target_group"], _("Area:") + " " + v["area"]),
                lines(
                    _("Fiscal years:") + " " + str(v["fiscal_years"]),
                    _("Budget:")
                    + " "
                    + (
                        _("{amount} baht", amount=tnum(v["budget"]))
                        if isinstance(v["budget"], (int, float))
                        else _not_given()
                    ),
                    _("Source:") + " " + v["budget_source"],
                ),
                lines(v["lead_agency"], _("Partners:") + " " + v["partners"]),
                lines(
                    v["agreement"],
                    _("Proposers:") + " " + v["proposers_by_sector"],
                    _("National plans:") + " " + v["national_fit"],
                    _("Coordinator:") + " " + v["coordinator"],
                ),
            )
        )
    return [
        Break("landscape"),
        heading,
        para(
            _(
                "One row per adopted or forwarded proposal, in the columns of the provincial plan's project list; "
                "the same rows are in the spreadsheet export."
            ),
            style="note",
        ),
        Table(
            (
                _("Ref."),
                _("Development issue and approach"),
                _("Project and rationale"),
                _("Objectives, targets and indicators"),
                _("Target group and area"),
                _("Fiscal years, budget and source"),
                _("Lead and partner agencies"),
                _("Agreement, proposers and fit with national plans"),
            ),
            tuple(table_rows),
            (5, 14, 18, 14, 11, 12, 12, 14),
            frozenset(),
            small=True,
            tall_rows=True,
        ),
        Break("portrait"),
    ]


def _follow_up(brief: Brief, voice: Voice) -> list[Block]:
    blocks: list[Block] = [Heading(_("Part {n}: Follow-up", n=voice.d(7)), 1)]
    items = brief.get("follow_up") or []
    if items:
        rows = []
        for item in items:
            owners = lines(
                _("Community:") + " " + item["community_owner"] if item.get("community_owner") else "",
                _("Agency:") + " " + item["agency_owner"] if item.get("agency_owner") else "",
            )
            updates = [
                f"{voice.date(u.get('on'))}: {u.get('status_label', '')}" + (f", {u['note']}" if u.get("note") else "")
                for u in item.get("updates") or []
            ]
            ref = follow_up_ref(brief, item, voice)
            ref = ref + " " if ref else ""
            rows.append(
                (
                    ref + item.get("title", ""),
                    owners,
                    voice.date(item.get("due")) or "-",
                    lines(item.get("status_label", ""), *updates),
                )
            )
        blocks.append(
            Table((_("Action"), _("Responsible"), _("Due by"), _("Status and updates")), tuple(rows), (24, 26, 18, 32))
        )
    else:
        blocks.append(_none())
    link = (brief.get("links") or {}).get("follow_up")
    if link:
        blocks.append(para(_("Progress is updated at:") + " ", Run(link, link=link), style="note"))
    return blocks


def follow_up_ref(brief: Brief, item: dict[str, Any], voice: Voice) -> str:
    """ "P12", or for an adopted clause's action "มติวาระที่ ๑ ข้อ ๒"."""
    if item.get("proposal_id") is not None:
        return _ref(brief, item["proposal_id"])
    clause = item.get("clause") or {}
    if clause.get("item"):
        return _("Resolution item {item}, clause {n}:", item=voice.d(clause["item"]), n=voice.d(clause.get("number")))
    return ""


def _annexes(brief: Brief, voice: Voice) -> list[Block]:
    proposals = brief.get("proposals") or []
    blocks: list[Block] = [Break("landscape" if proposals else "page"), Heading(_("Annex A: All proposals"), 1)]
    if proposals:
        cols, rows = sheet_rows(brief, "proposals")
        index = {c.key: i for i, c in enumerate(cols)}
        keys = (
            "rank",
            "ref",
            "theme",
            "supports",
            "support_share",
            "comments_for",
            "comments_against",
            "comments_note",
            "agreement",
            "result",
            "budget",
            "fiscal_year",
        )
        table_rows = []
        for values, p in zip(rows, proposals, strict=True):
            cells = [cell(values[index[k]], cols[index[k]]) for k in keys]
            cells[1] = f"{values[index['ref']]} {values[index['title']]}"
            if "count" in p:  # the one count with its split by source, as in the summary
                cells[3] = lines(tnum(p["count"]), *count_sources(p))
            table_rows.append(tuple(cells))
        blocks.append(
            Table(
                (
                    _("Rank"),
                    _("Proposal"),
                    _("Strategic issue"),
                    count_label(brief),
                    _("Share"),
                    _("For"),
                    _("Against"),
                    _("Other comments"),
                    _("Level of agreement"),
                    _("Decision"),
                    _("Budget (baht)"),
                    _("Fiscal year"),
                ),
                tuple(table_rows),
                (15, 33, 26, 22, 15, 14, 14, 18, 22, 23, 23, 23),
                frozenset({0, 3, 4, 5, 6, 7, 10}),
                small=True,
            )
        )
    else:
        blocks.append(_none())
    blocks.append(Heading(_("Annex B: Voting results by sector"), 1))
    rounds = brief.get("rounds") or []
    ref = refs(brief)
    for r in rounds:
        items = r.get("items") or []
        body = [
            (
                g["label"],
                tnum(g.get("voters")),
                *(tnum(g["figures"][str(i["id"])]) if str(i["id"]) in g.get("figures", {}) else "-" for i in items),
            )
            for g in r.get("by_sector") or []
        ]
        body.append((_("All voters"), tnum(r.get("voters")), *(tnum(i.get("figure")) for i in items)))
        blocks.append(
            Table(
                (_("Sector"), _("Voters"), *(ref.get(i["id"], f"P{i['id']}") for i in items)),
                tuple(body),
                (30, 8, *([8] * len(items))),
                frozenset(range(1, len(items) + 2)),
                small=True,
                caption=f"{r.get('title', '')} ({r.get('method_label', '')})",
                total=True,
            )
        )
    if not rounds:
        blocks.append(_none(_("No voting round has been closed yet.")))
    blocks.append(
        para(
            _(
                "Sectors with fewer than {n} voters are not shown on their own.",
                n=voice.num((brief.get("participation") or {}).get("min_group")),
            ),
            style="note",
        )
    )
    blocks.append(para(_("Content hash (SHA-256):") + " ", Run(brief.get("content_hash", "")), style="hash"))
    blocks.append(para(_("Audit chain head:") + " ", Run(brief.get("chain_head") or _("none recorded")), style="hash"))
    link = (brief.get("links") or {}).get("open_data")
    if link:
        blocks.append(para(_("Open data (JSON):") + " ", Run(link, link=link), style="hash"))
    return blocks


# --- the minutes (แบบที่ ๑๑ รายงานการประชุม), as templates/briefs/minutes.html -------------------------------

DOTS = "." * 40


def minutes_outline(brief: Brief, *, thai_digits: bool = True) -> list[Block]:
    """The session's record in the fixed order of form 11."""
    voice = Voice.of(brief, thai_digits)
    m = brief.get("minutes") or {}
    att = m.get("attendance") or {}
    with language(voice.lang):
        blocks: list[Block] = [para(bold(_("Minutes of {body}", body=voice.text(m.get("body", "")))), style="center")]
        if m.get("meeting_no"):
            blocks.append(para(_("Meeting no. {no}", no=voice.d(m["meeting_no"])), style="center"))
        blocks.append(para(_("On {date}", date=voice.meeting_date(m.get("date"))), style="center"))
        if m.get("venue"):
            blocks.append(para(_("At {venue}", venue=voice.text(m["venue"])), style="center"))
        blocks.append(para(bold(_("Present at the meeting")), style="plain"))
        present = _("{n} people attended the meeting.", n=voice.num(att.get("count")))
        blocks.append(para(present + (" " + _("By sector:") if att.get("by_sector") else "")))
        if att.get("by_sector"):
            blocks.append(
                Clauses(
                    tuple(
                        Clause(f"{voice.d(i)}.", f"{g['label']} {voice.people(g['count'])}")
                        for i, g in enumerate(att["by_sector"], start=1)
                    )
                )
            )
        if att.get("named"):
            blocks.append(para(_("Named with their consent:")))
            blocks.append(Clauses(tuple(Clause(f"{voice.d(i)}.", name) for i, name in enumerate(att["named"], 1))))
        # ผู้ไม่มาประชุม and ผู้เข้าร่วมประชุม: form 11 keeps both headings even when there is no one to list.
        blocks.append(para(bold(_("Absent from the meeting")), style="plain"))
        blocks.append(para(voice.text(m.get("absent") or "-")))
        blocks.append(para(bold(_("Also attending")), style="plain"))
        blocks.append(para(voice.text(m.get("attending") or "-")))
        blocks.append(
            para(bold(_("Meeting opened at")), " " + (voice.time(m.get("started_at")) or DOTS), style="plain")
        )
        for item in m.get("agenda") or []:
            blocks.append(
                para(
                    bold(_("Agenda item {no}: {heading}", no=voice.d(item.get("no")), heading=item.get("heading", ""))),
                    style="plain",
                )
            )
            # One digit style for the whole document: the record's numbers follow the document's choice.
            blocks += [para(voice.text(text)) for text in item.get("body") or []]
            if item.get("resolution", "") is not None:  # None: a heading whose sub-items carry the resolutions
                blocks.append(para(bold(_("Resolution:")), " " + (voice.text(item.get("resolution") or "") or DOTS)))
        if not m.get("agenda"):
            blocks.append(_none())
        blocks.append(para(bold(_("Meeting closed at")), " " + (voice.time(m.get("ended_at")) or DOTS), style="plain"))
        signed, taken_by = _("(signed)"), _("Minutes taken by")
        line = "." * 30
        blocks.append(para(f"{signed} {line} {taken_by}", style="signature"))
        blocks.append(para(f"( {m.get('recorder') or line} )", style="signature"))
        return blocks
