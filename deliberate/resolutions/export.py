"""A session's resolutions as one dictionary: what the pages, the API and the PDF/DOCX all show."""

from __future__ import annotations

from collections import Counter
from typing import Any

from deliberate import geo
from deliberate.i18n import N_, get_language, gettext
from deliberate.proposals.models import Proposal
from deliberate.resolutions.models import (
    AMENDMENT_OPS,
    ANSWERS,
    AgendaItem,
    Amendment,
    AmendmentBacker,
    Clause,
    ClauseComment,
    ClauseVersion,
    ConsensusCheck,
)
from deliberate.sessions.models import Assembly, Session
from deliberate.thaitext import verbs
from deliberate.thaitext.diff import word_diff

STATUS_LABELS = {
    "open": N_("Under discussion"),
    "adopted": N_("Adopted by consensus"),
    "not_adopted": N_("Not adopted: back to amendment"),
    "removed": N_("Removed by amendment"),
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


async def resolution_json(session: Session) -> dict[str, Any]:
    items = await AgendaItem.filter(session_id=session.id).order_by("position", "id")
    item_ids = [i.id for i in items]
    clauses = await Clause.filter(item_id__in=item_ids).order_by("position", "id")
    clause_ids = [c.id for c in clauses]
    amendments = await Amendment.filter(clause_id__in=clause_ids).order_by("id")
    backers = Counter(
        await AmendmentBacker.filter(amendment_id__in=[a.id for a in amendments]).values_list("amendment_id", flat=True)
    )
    versions = await ClauseVersion.filter(clause_id__in=clause_ids).order_by("clause_id", "version")
    checks = await ConsensusCheck.filter(clause_id__in=clause_ids).order_by("id")
    comments = await ClauseComment.filter(clause_id__in=clause_ids).order_by("id")
    by_clause: dict[int, dict[str, list[Any]]] = {
        c.id: {"amendments": [], "versions": [], "checks": [], "comments": []} for c in clauses
    }
    for cm in comments:
        by_clause[cm.clause_id]["comments"].append(cm)
    grouped = {pid for i in items for pid in i.proposal_ids}
    titles = dict(await Proposal.filter(id__in=list(grouped)).values_list("id", "title")) if grouped else {}
    for a in amendments:
        by_clause[a.clause_id]["amendments"].append(a)
    for v in versions:
        by_clause[v.clause_id]["versions"].append(v)
    for ch in checks:
        by_clause[ch.clause_id]["checks"].append(ch)

    def clause_out(c: Clause, number: int | None) -> dict[str, Any]:
        own = by_clause[c.id]
        closed = [ch for ch in own["checks"] if not ch.is_open and ch.outcome in ("adopted", "not_adopted")]
        open_check = next((ch for ch in own["checks"] if ch.is_open), None)
        return {
            "id": c.id,
            "number": number,
            "version": c.version,
            "text": c.text,
            "status": c.status,
            "status_label": gettext(STATUS_LABELS[c.status]),
            "lead_agency": c.lead_agency,
            "partners": c.partners,
            "reservations": c.reservations,
            # The drafting helper: "ขอให้ [agency] ร่วมกับ [partners] [verb ...]" needs its verb.
            "proposed_verb": ""
            if c.status == "removed"
            else verbs.clause_check(c.text, c.lead_agency, c.partners).proposed_verb,
            "open_check_id": open_check.id if open_check else None,
            "last_check": (
                {
                    "id": closed[-1].id,
                    "outcome": closed[-1].outcome,
                    "counts": closed[-1].result.get("counts"),
                    "total": closed[-1].result.get("total"),
                }
                if closed
                else None
            ),
            "amendments": [
                {
                    "id": a.id,
                    "op": a.op,
                    "op_label": gettext(AMENDMENT_OPS[a.op]),
                    "text": a.text,
                    "reason": a.reason,
                    "base_version": a.base_version,
                    "status": a.status,
                    "backers": backers.get(a.id, 0),
                    "merged_into": a.merged_into_id,
                    "diff": [
                        {"op": p.op, "text": p.text}
                        for p in (
                            word_diff(_text_at(own["versions"], a.base_version, c.text), a.text)
                            if a.op == "replace"
                            else []
                        )
                    ],
                    "created_at": _iso(a.created_at),
                    "decided_at": _iso(a.decided_at),
                }
                for a in own["amendments"]
            ],
            "comments": [{"id": cm.id, "body": cm.body, "created_at": _iso(cm.created_at)} for cm in own["comments"]],
            "history": [
                {"version": v.version, "text": v.text, "status": v.status, "amendment_id": v.amendment_id}
                for v in own["versions"]
            ],
        }

    out_items = []
    for item in items:
        mine = [c for c in clauses if c.item_id == item.id]
        number, rendered = 0, []
        for c in mine:
            if c.status != "removed":
                number += 1
            rendered.append(clause_out(c, number if c.status != "removed" else None))
        out_items.append(
            {
                "id": item.id,
                "title": item.title,
                "background": item.background,
                "preamble": item.preamble,
                "version": item.version,
                "clauses": rendered,
                "proposals": [{"id": pid, "ref": f"P{pid}", "title": titles.get(pid, "")} for pid in item.proposal_ids],
            }
        )
    assembly = await Assembly.get(id=session.assembly_id)
    return {
        "schema": "deliberate.resolution/1",
        "language": get_language(),
        "assembly": {
            "id": assembly.id,
            "title": assembly.title,
            "subtitle": assembly.subtitle,
            "province": geo.province_name(assembly.province_code),
            "venue": assembly.venue,
            "starts_on": _iso(assembly.starts_on),
            "ends_on": _iso(assembly.ends_on),
        },
        "session": {"code": session.code, "title": session.title, "phase": session.phase},
        "answers": {k: gettext(v) for k, v in ANSWERS.items()},
        "items": out_items,
    }


def _text_at(versions: list[ClauseVersion], version: int, fallback: str) -> str:
    return next((v.text for v in versions if v.version == version), fallback)
