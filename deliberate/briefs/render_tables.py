"""The brief's tabular views: one definition of every sheet, written out as XLSX and as CSV.

`sheets(brief)` is the single source: each sheet is a list of columns (translated header, kind) and rows
of plain values, numbers as numbers and dates as `datetime.date`. The DOCX and Markdown renderers take
their plan, results and follow-up tables from here too, so a column cannot say one thing in the
spreadsheet and another on paper.

No names reach these sheets: proposers appear as counts by sector, arguments without their authors.

Spreadsheet injection: text that came from people (titles, arguments, agencies they typed) can start with
`=`, `+`, `-` or `@`, which Excel and LibreOffice would run as a formula. The CSV gets a leading
apostrophe on such cells and the XLSX stores them as plain string cells with the quote-prefix style.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from deliberate.i18n import BANGKOK, N_, gettext, language

FONT = "TH SarabunIT๙"
Brief = dict[str, Any]
Row = dict[str, Any]

# Kinds of column: how a value is stored and shown. "year" is a Buddhist-era year or a list of them.
TEXT, INT, MONEY, SHARE, NUMBER, DATE, DATETIME, YEAR = (
    "text",
    "int",
    "money",
    "share",
    "number",
    "date",
    "datetime",
    "year",
)
_NUMERIC = {INT, MONEY, SHARE, NUMBER, YEAR}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # an English msgid, translated when the sheet is built
    kind: str = TEXT
    width: int = 14  # XLSX width hint in characters; content can widen it up to _MAX_WIDTH


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str  # msgid for the XLSX tab
    columns: tuple[Column, ...]
    rows: Callable[[Brief], list[Row]]


# --- helpers on the brief ---------------------------------------------------------------------------


def parse_date(value: str | None) -> dt.date | None:
    """ "2027-03-31" (or a full ISO timestamp) -> a date; None stays None."""
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])


def parse_moment(value: str | None) -> dt.datetime | None:
    """An ISO timestamp -> Bangkok wall-clock time without tzinfo (what a spreadsheet cell can hold)."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment.astimezone(BANGKOK).replace(tzinfo=None) if moment.tzinfo else moment


def refs(brief: Brief) -> dict[int, str]:
    """Proposal id -> its reference ("P12") for every proposal in the brief."""
    return {p["id"]: p.get("ref") or f"#{p['id']}" for p in brief.get("proposals", [])}


def ref_of(brief: Brief, proposal_id: int | None) -> str:
    if proposal_id is None:
        return ""
    return refs(brief).get(proposal_id, f"#{proposal_id}")


def titles(brief: Brief) -> dict[int, str]:
    return {p["id"]: p["title"] for p in brief.get("proposals", [])}


def latest_update(item: dict[str, Any]) -> dict[str, Any] | None:
    updates = item.get("updates") or []
    return max(updates, key=lambda u: u.get("on") or "") if updates else None


def sector_counts(groups: Iterable[dict[str, Any]], key: str = "count") -> str:
    """[{"label": "อพม.", "count": 2}] -> "อพม. 2; …" (Arabic digits: it is table text)."""
    return "; ".join(f"{g['label']} {g[key]}" for g in groups)


_KIND_LABELS = {"agency": N_("Agency"), "organisation": N_("Organisation"), "participant": N_("Participant")}
_SIDES = {"for": N_("For"), "against": N_("Against")}
PASSES, FAILS = N_("Passed"), N_("Did not pass")
NOT_DECIDED = N_("Not yet decided")
OPPOSING = N_("Opposing comment")
ADOPTED, NOT_ADOPTED = N_("Adopted"), N_("Not adopted")


# --- the rows of each sheet ---------------------------------------------------------------------------


def _proposal_rows(brief: Brief) -> list[Row]:
    ref = refs(brief)
    rows = []
    for p in brief.get("proposals", []):
        answer = p.get("answer") or {}
        comments = p.get("comments") or {}
        proposers = p.get("proposers") or {}
        rows.append(
            {
                "rank": p.get("rank"),
                "ref": ref[p["id"]],
                "theme": p.get("theme", ""),
                "title": p["title"],
                "body": p.get("body", ""),
                "target_groups": ", ".join(p.get("target_groups") or []),
                "supports": p.get("supports", 0),
                "support_share": p.get("support_share"),
                # The one count that ranks the proposals, and its parts by source (briefs before it: supports).
                "count": p.get("count", p.get("supports", 0)),
                "count_phone": (p.get("by_source") or {}).get("phone"),
                "count_assisted": (p.get("by_source") or {}).get("assisted"),
                "count_paper": (p.get("by_source") or {}).get("paper"),
                "comments_for": comments.get("for", 0),
                "comments_against": comments.get("against", 0),
                "comments_note": comments.get("note", 0),
                "agreement": (p.get("agreement") or {}).get("label", ""),
                "result": answer.get("state_label", "") if answer else gettext(NOT_DECIDED),
                "reason": answer.get("reason", ""),
                "programme": answer.get("programme", ""),
                "lead_agency": answer.get("lead_agency", ""),
                "partners": answer.get("partners", ""),
                "budget": answer.get("budget"),
                "fiscal_year": answer.get("fiscal_year"),
                "proposers": proposers.get("count", 0),
                "proposers_by_sector": sector_counts(proposers.get("by_sector") or []),
                "merged_from": ", ".join(ref.get(i, f"#{i}") for i in p.get("merged_from") or []),
                "clause": p.get("clause") or "",
            }
        )
    return rows


def _plan_rows(brief: Brief) -> list[Row]:
    # A budget the staff left empty says so in the sheet too, as every other column of the row does.
    return [
        dict(row) | ({"budget": gettext("Not given by the staff")} if row.get("budget") is None else {})
        for row in brief.get("plan_rows", [])
    ]


def _result_rows(brief: Brief) -> list[Row]:
    ref = refs(brief)
    return [row for r in brief.get("rounds", []) for row in round_rows(r, ref)]


def round_rows(voting_round: dict[str, Any], ref: dict[int, str]) -> list[Row]:
    r = voting_round
    return [
        {
            "round": r.get("title", ""),
            "method": r.get("method_label", ""),
            "voters": r.get("voters"),
            "rank": item.get("rank"),
            "ref": ref.get(item["id"], f"#{item['id']}"),
            "title": item["title"],
            "figure": item.get("figure"),
            "figure_label": item.get("figure_label", ""),
            "passes": gettext(PASSES) if item.get("passes") else gettext(FAILS),
        }
        for item in r.get("items", [])
    ]


def _results_by_group_rows(brief: Brief) -> list[Row]:
    ref, title = refs(brief), titles(brief)
    rows = []
    for r in brief.get("rounds", []):
        item_titles = {str(i["id"]): i["title"] for i in r.get("items", [])}
        for group in r.get("by_sector", []):
            for pid, figure in group.get("figures", {}).items():
                rows.append(
                    {
                        "source": gettext("Voting round: {title}", title=r.get("title", "")),
                        "group": group["label"],
                        "people": group.get("voters"),
                        "ref": ref.get(int(pid), f"#{pid}"),
                        "title": item_titles.get(pid, title.get(int(pid), "")),
                        "figure": figure,
                    }
                )
    for p in brief.get("proposals", []):
        for group in p.get("by_sector") or []:
            rows.append(
                {
                    "source": gettext("Supports"),
                    "group": group["label"],
                    "people": None,
                    "ref": ref[p["id"]],
                    "title": p["title"],
                    "figure": group.get("supporters"),
                }
            )
    return rows


def _comment_rows(brief: Brief) -> list[Row]:
    ref = refs(brief)
    rows = []
    for p in brief.get("proposals", []):
        arguments = p.get("arguments") or {}
        counts = p.get("comments") or {}
        opposing = set(p.get("opposing", p.get("reservations")) or [])
        for side in ("for", "against"):
            for argument in arguments.get(side) or []:
                rows.append(
                    {
                        "ref": ref[p["id"]],
                        "title": p["title"],
                        "side": gettext(_SIDES[side]),
                        "count": counts.get(side, 0),
                        "text": argument["text"],
                        "reservation": gettext(OPPOSING) if side == "against" and argument["text"] in opposing else "",
                    }
                )
    return rows


def _resolution_rows(brief: Brief) -> list[Row]:
    """Every clause of every agenda item, adopted or not, with its last consensus check."""
    rows = []
    for item in (brief.get("resolution") or {}).get("items") or []:
        for c in item.get("clauses") or []:
            check = c.get("check") or {}
            counts = check.get("counts") or {}
            adopted = c.get("status") == "adopted"
            rows.append(
                {
                    "item": item.get("no"),
                    "item_title": item.get("title", ""),
                    "draft_no": c.get("draft_no"),
                    "number": c.get("number"),
                    "text": c.get("text", ""),
                    "outcome": gettext(ADOPTED) if adopted else gettext(NOT_ADOPTED),
                    "level": c.get("level_label") or c.get("why_label", ""),
                    "lead_agency": c.get("lead_agency", ""),
                    "partners": ", ".join(c.get("partners") or []),
                    "answers": check.get("total"),
                    "agree": counts.get("agree"),
                    "live_with": counts.get("live_with"),
                    "reservation": counts.get("reservation"),
                    "block": counts.get("block"),
                    "by_sector": "; ".join(f"{g['label']}: {g['text']}" for g in check.get("by_sector") or []),
                    "reservations": " / ".join(c.get("reservations") or c.get("objections") or []),
                }
            )
    return rows


def _commitment_rows(brief: Brief) -> list[Row]:
    title = titles(brief)
    rows = []
    for c in brief.get("commitments", []):
        kind = _KIND_LABELS.get(c.get("kind", ""))
        rows.append(
            {
                "ref": ref_of(brief, c.get("proposal_id")),
                "title": title.get(c.get("proposal_id"), ""),
                "who": c.get("who", ""),
                "kind": gettext(kind) if kind else c.get("kind", ""),
                "role": c.get("role_label", ""),
                "what": c.get("what", ""),
                "due": parse_date(c.get("due")),
                "created": parse_moment(c.get("created_at")),
            }
        )
    return rows


def _action_rows(brief: Brief) -> list[Row]:
    rows = []
    for item in brief.get("follow_up", []):
        last = latest_update(item) or {}
        clause = item.get("clause") or {}
        rows.append(
            {
                "ref": ref_of(brief, item.get("proposal_id"))
                or (gettext("Resolution {item}.{n}", item=clause["item"], n=clause.get("number")) if clause else ""),
                "title": item.get("title", ""),
                "community_owner": item.get("community_owner", ""),
                "agency_owner": item.get("agency_owner", ""),
                "due": parse_date(item.get("due")),
                "status": item.get("status_label", ""),
                "last_on": parse_date(last.get("on")),
                "last_status": last.get("status_label", ""),
                "last_note": last.get("note", ""),
            }
        )
    return rows


C = Column
REF = C("ref", N_("Ref."), width=8)
TITLE = C("title", N_("Proposal"), width=34)
PLAN_COLUMNS = (
    REF,
    C("issue", N_("Development issue"), width=22),
    C("approach", N_("Development approach"), width=18),
    C("project", N_("Project"), width=30),
    C("rationale", N_("Rationale"), width=40),
    C("objectives", N_("Objectives"), width=24),
    C("targets", N_("Targets"), width=18),
    C("indicators", N_("Indicators"), width=22),
    C("target_group", N_("Target group"), width=16),
    C("area", N_("Area"), width=24),
    C("fiscal_years", N_("Fiscal years"), YEAR, width=10),
    C("budget", N_("Budget (baht)"), MONEY, width=14),
    C("budget_source", N_("Source of funds"), width=14),
    C("lead_agency", N_("Lead agency"), width=24),
    C("partners", N_("Partner agencies"), width=24),
    C("national_fit", N_("Fit with national plans"), width=18),
    C("agreement", N_("Level of agreement"), width=14),
    C("proposers_by_sector", N_("Proposers by sector"), width=22),
    C("coordinator", N_("Coordinator"), width=16),
)

SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "proposals",
            N_("Proposals"),
            (
                C("rank", N_("Rank"), INT, 6),
                REF,
                TITLE,
                C("theme", N_("Strategic issue"), width=22),
                C("body", N_("Details"), width=40),
                C("target_groups", N_("Target groups"), width=16),
                C("count", N_("Count that ranks"), NUMBER, 10),
                C("count_phone", N_("of which own phone"), NUMBER, 10),
                C("count_assisted", N_("of which entered by staff"), NUMBER, 10),
                C("count_paper", N_("of which paper ballots"), NUMBER, 10),
                C("supports", N_("Supporters"), INT, 10),
                C("support_share", N_("Share"), SHARE, 8),
                C("comments_for", N_("For"), INT, 8),
                C("comments_against", N_("Against"), INT, 8),
                C("comments_note", N_("Other comments"), INT, 8),
                C("agreement", N_("Level of agreement"), width=14),
                C("result", N_("Decision"), width=16),
                C("reason", N_("Reason"), width=24),
                C("programme", N_("Programme or project"), width=24),
                C("lead_agency", N_("Lead agency"), width=24),
                C("partners", N_("Partner agencies"), width=24),
                C("budget", N_("Budget (baht)"), MONEY, 14),
                C("fiscal_year", N_("Fiscal year"), YEAR, 10),
                C("proposers", N_("Proposers"), INT, 10),
                C("proposers_by_sector", N_("Proposers by sector"), width=22),
                C("merged_from", N_("Merged from"), width=12),
                C("clause", N_("Resolution clause"), width=40),
            ),
            _proposal_rows,
        ),
        Sheet("plan", N_("Plan rows"), PLAN_COLUMNS, _plan_rows),
        Sheet(
            "results",
            N_("Voting results"),
            (
                C("round", N_("Voting round"), width=24),
                C("method", N_("Method"), width=12),
                C("voters", N_("Voters"), INT, 8),
                C("rank", N_("Rank"), INT, 6),
                REF,
                TITLE,
                C("figure", N_("Score"), NUMBER, 10),
                C("figure_label", N_("Score as shown"), width=14),
                C("passes", N_("Outcome"), width=12),
            ),
            _result_rows,
        ),
        Sheet(
            "results_by_group",
            N_("Results by group"),
            (
                C("source", N_("Source"), width=28),
                C("group", N_("Sector"), width=28),
                C("people", N_("Voters in the group"), INT, 10),
                REF,
                TITLE,
                C("figure", N_("Score"), NUMBER, 10),
            ),
            _results_by_group_rows,
        ),
        Sheet(
            "comments",
            N_("Arguments"),
            (
                REF,
                TITLE,
                C("side", N_("Side"), width=10),
                C("count", N_("Comments on this side"), INT, 10),
                C("text", N_("Argument"), width=50),
                C("reservation", N_("Recorded as"), width=12),
            ),
            _comment_rows,
        ),
        Sheet(
            "commitments",
            N_("Commitments from partners"),
            (
                REF,
                TITLE,
                C("who", N_("Committed by"), width=24),
                C("kind", N_("Type"), width=12),
                C("role", N_("Role"), width=14),
                C("what", N_("Commitment"), width=40),
                C("due", N_("Due by"), DATE, 12),
                C("created", N_("Recorded at"), DATETIME, 16),
            ),
            _commitment_rows,
        ),
        Sheet(
            "action_items",
            N_("Follow-up"),
            (
                REF,
                C("title", N_("Action"), width=30),
                C("community_owner", N_("Community owner"), width=22),
                C("agency_owner", N_("Agency owner"), width=22),
                C("due", N_("Due by"), DATE, 12),
                C("status", N_("Status"), width=14),
                C("last_on", N_("Latest update"), DATE, 12),
                C("last_status", N_("Latest status"), width=14),
                C("last_note", N_("Latest note"), width=40),
            ),
            _action_rows,
        ),
        Sheet(
            "resolution",
            N_("Resolution"),
            (
                C("item", N_("Agenda item"), INT, 8),
                C("item_title", N_("Agenda item title"), width=28),
                C("draft_no", N_("Draft clause"), INT, 8),
                C("number", N_("Clause as adopted"), INT, 8),
                C("text", N_("Clause text"), width=50),
                C("outcome", N_("Outcome"), width=12),
                C("level", N_("Level of agreement or why not adopted"), width=24),
                C("lead_agency", N_("Lead agency"), width=24),
                C("partners", N_("Partner agencies"), width=24),
                C("answers", N_("Answers"), INT, 8),
                C("agree", N_("Agree"), INT, 8),
                C("live_with", N_("Can live with it"), INT, 8),
                C("reservation", N_("Reservation"), INT, 8),
                C("block", N_("Block"), INT, 8),
                C("by_sector", N_("Answers by sector"), width=40),
                C("reservations", N_("Reservations or reasons, verbatim"), width=40),
            ),
            _resolution_rows,
        ),
    )
}
CSV_SHEETS = tuple(SHEETS)


def columns(name: str) -> tuple[Column, ...]:
    return SHEETS[name].columns


def sheet_rows(brief: Brief, name: str) -> tuple[list[Column], list[list[Any]]]:
    """The columns and value rows of one sheet; call inside `language(...)` for translated labels."""
    sheet = SHEETS[name]
    return list(sheet.columns), [[_value(row.get(c.key), c.kind) for c in sheet.columns] for row in sheet.rows(brief)]


def sheets(brief: Brief) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every sheet as (translated headers, rows of values), in the brief's language."""
    with language(brief["language"]):
        out = {}
        for name in SHEETS:
            cols, rows = sheet_rows(brief, name)
            out[name] = ([gettext(c.header) for c in cols], rows)
        return out


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == YEAR and isinstance(value, str):
        return int(value) if value.strip().isdigit() else value
    if kind in (MONEY, NUMBER) and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- spreadsheet injection ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this cell as a formula (or a DDE call)?"""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in _FORMULA_START


def csv_safe(text: str) -> str:
    return "'" + text if is_formula_like(text) else text


# --- CSV ---------------------------------------------------------------------------------------------------


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return csv_safe(str(value))


def brief_csv(brief: Brief, sheet: str) -> bytes:
    """One sheet as CSV: UTF-8 with a byte-order mark so Excel reads the Thai, CRLF rows."""
    if sheet not in SHEETS:
        raise KeyError(sheet)
    with language(brief["language"]):
        cols, rows = sheet_rows(brief, sheet)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([csv_safe(gettext(c.header)) for c in cols])
        for row in rows:
            writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, cols, strict=True)])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX --------------------------------------------------------------------------------------------------

_MAX_WIDTH = 60
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses to write
_MIN_WIDTHS = {DATE: 14, DATETIME: 20}  # "31 มี.ค. 2570 16:00" must not show as ###
_FORMATS = {MONEY: "#,##0", INT: "0", YEAR: "0", SHARE: "0%", NUMBER: "#,##0.##"}
# Thai Buddhist-era dates where the reader's Excel knows the calendar (LCID 041E, calendar 07).
_DATE_FORMATS = {
    "th": ("[$-107041E]d mmm yyyy", "[$-107041E]d mmm yyyy hh:mm"),
    "en": ("d mmm yyyy", "d mmm yyyy hh:mm"),
}


def text_width(text: str) -> int:
    """Columns a string takes: Thai vowel and tone marks sit above or below and take no width."""
    return max(
        (
            sum(1 for ch in line if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")
            for line in text.splitlines()
        ),
        default=0,
    )


def _sheet_title(text: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "Sheet"
    base, n = title, 2
    while title in taken:
        title = f"{base[:28]} {n}"
        n += 1
    taken.add(title)
    return title


def brief_xlsx(brief: Brief) -> bytes:
    """Every sheet in one workbook: bold frozen header row, real numbers and dates, Thai font."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    if wb.active is not None:  # the blank sheet a new workbook starts with: every sheet here is named
        wb.remove(wb.active)
    body_font = Font(name=FONT, size=14)
    plain = NamedStyle(name="deliberate", font=body_font, alignment=Alignment(vertical="top", wrap_text=True))
    wb.add_named_style(plain)
    header_font = Font(name=FONT, size=14, bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    date_format, moment_format = _DATE_FORMATS.get(brief["language"], _DATE_FORMATS["en"])
    taken: set[str] = set()
    with language(brief["language"]):
        for name, sheet in SHEETS.items():
            ws = wb.create_sheet(_sheet_title(gettext(sheet.title), taken))
            cols, rows = sheet_rows(brief, name)
            widths = [max(c.width, text_width(gettext(c.header)) + 2, _MIN_WIDTHS.get(c.kind, 0)) for c in cols]
            for j, col in enumerate(cols, start=1):
                cell = ws.cell(row=1, column=j, value=gettext(col.header))
                cell.font, cell.fill = header_font, header_fill
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            for i, row in enumerate(rows, start=2):
                for j, (value, col) in enumerate(zip(row, cols, strict=True), start=1):
                    cell = ws.cell(row=i, column=j)
                    cell.style = "deliberate"
                    if isinstance(value, str):
                        value = _ILLEGAL.sub("", value)
                        cell.value = value
                        if is_formula_like(value):
                            cell.data_type = "s"  # openpyxl guessed "f" from the leading "="
                            cell.quotePrefix = True
                        widths[j - 1] = max(widths[j - 1], min(_MAX_WIDTH, text_width(value) + 2))
                    else:
                        cell.value = value
                        if isinstance(value, dt.datetime):
                            cell.number_format = moment_format
                        elif isinstance(value, dt.date):
                            cell.number_format = date_format
                        elif col.kind in _FORMATS and isinstance(value, (int, float)):
                            cell.number_format = _FORMATS[col.kind]
                        if col.kind in _NUMERIC or isinstance(value, dt.date):
                            cell.alignment = Alignment(vertical="top", horizontal="right")
            for j, width in enumerate(widths, start=1):
                ws.column_dimensions[get_column_letter(j)].width = min(_MAX_WIDTH, width)
            ws.freeze_panes = "A2"
            if rows:
                ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
    wb.properties.title = brief.get("assembly", {}).get("title", "")
    wb.properties.creator = "deliberate"
    # The audit chain's head as the brief was built (File > Properties), for `audit verify --head`.
    wb.properties.identifier = brief.get("chain_head") or ""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
