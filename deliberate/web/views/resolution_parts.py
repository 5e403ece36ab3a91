"""What the resolutions pages share: the phone (participant/resolutions.py), the facilitators' desk
(staff/resolutions.py) and the projector's clause under discussion (staff/projector.py). Looking up an
object of the path's session, and where on a page a refused form's message goes.
"""

from __future__ import annotations

from typing import Any

from deliberate.errors import NotFound
from deliberate.i18n import N_
from deliberate.resolutions import services as resolutions
from deliberate.resolutions.export import STATUS_LABELS, resolution_json
from deliberate.resolutions.models import ANSWERS, AgendaItem, Amendment, Clause, ConsensusCheck
from deliberate.sessions.models import Session
from deliberate.text import as_int

# The projector shows this many proposed amendments, most backed first; the console and phones show all.
SCREEN_AMENDMENTS = 3
# The drafting team's forms on each item, by action: where a refused one is shown again.
DRAFT_FORMS = {"revise-item": "revise", "add-clause": "add-clause", "redraft": "redraft"}
# Clauses the drafting team may still rewrite (adopted and removed ones are settled).
REDRAFTABLE = ("open", "not_adopted")


async def item_in(session: Session, raw: object) -> AgendaItem:
    item = await resolutions.get_item(as_int(raw, field="item_id"))
    if item.session_id != session.id:
        raise NotFound(N_("No such agenda item."))
    return item


async def clause_in(session: Session, raw: object) -> Clause:
    clause = await resolutions.get_clause(as_int(raw, field="clause_id"))
    if clause.item.session_id != session.id:
        raise NotFound(N_("No such clause."))
    return clause


async def amendment_in(session: Session, raw: object) -> Amendment:
    amendment = await resolutions.get_amendment(as_int(raw, field="amendment_id"))
    if amendment.clause.item.session_id != session.id:
        raise NotFound(N_("No such amendment."))
    return amendment


async def check_in(session: Session, raw: object) -> ConsensusCheck:
    check = await resolutions.get_check(as_int(raw, field="check_id"))
    if check.clause.item.session_id != session.id:
        raise NotFound(N_("No such consensus check."))
    return check


def clauses_of(data: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(item, clause) for item in data["items"] for clause in item["clauses"]]


class Where:
    """Where on the page a refused form's message goes: by its own form when that form is still shown,
    else at the top of its clause (a check closed, an amendment decided meanwhile), else atop the page."""

    def __init__(self) -> None:
        self.item: int | None = None
        self.clause: int | None = None
        self.target: int | None = None

    def slot(self, items: list[dict[str, Any]], action: str, amendable: bool, open_forms: bool = False) -> str:
        """`open_forms`: the page shows its comment and merge forms (the deliberation phase)."""
        clause = next((c for item in items for c in item["clauses"] if c["id"] == self.clause), None)
        if clause is None:
            return "top"
        if action == "comment" and open_forms and clause["status"] != "removed":
            return f"comment-{clause['id']}"
        if action == "merge" and open_forms and sum(a["status"] == "proposed" for a in clause["amendments"]) >= 2:
            return f"merge-{clause['id']}"
        if action == "answer" and clause["open_check_id"] == self.target:
            return f"check-{self.target}"
        if action in ("back", "decide") and any(
            a["id"] == self.target and a["status"] == "proposed" for a in clause["amendments"]
        ):
            return f"amendment-{self.target}"
        if action == "amend" and amendable and clause["status"] in ("open", "not_adopted"):
            return f"amend-{clause['id']}"
        return f"clause-{clause['id']}"

    def draft_slot(self, items: list[dict[str, Any]], action: str, drafting: bool) -> str:
        """The drafting team's forms (revise an item, add or redraft a clause), shown unless the session
        is closed; a clause redrafted elsewhere into adoption or removal has its form taken away."""
        if not drafting:
            return "top"
        if action == "redraft":
            clause = next((c for item in items for c in item["clauses"] if c["id"] == self.clause), None)
            if clause is not None and clause["status"] in REDRAFTABLE:
                return f"redraft-{clause['id']}"
            return self.slot(items, action, False)
        if any(item["id"] == self.item for item in items):
            return f"{DRAFT_FORMS[action]}-{self.item}"
        return "top"


def version(raw: object) -> object:
    """The form's base_version as a number; anything else goes to the service as it came, to be refused."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else raw


# -- the projector --------------------------------------------------------------------------------------------
async def screen_context(session: Session) -> dict[str, Any]:
    """The clause under discussion: the one with the latest open check, else the one amended last."""
    return {"answers": ANSWERS, "outcome_labels": STATUS_LABELS} | await _under_discussion(session)


async def _under_discussion(session: Session) -> dict[str, Any]:
    data = await resolution_json(session)
    pairs = clauses_of(data)
    current = max(
        ((c["open_check_id"], item, c) for item, c in pairs if c["open_check_id"]), key=lambda t: t[0], default=None
    )
    if current is None:
        current = max(
            (
                (max(a["decided_at"] or a["created_at"] or "" for a in c["amendments"]), item, c)
                for item, c in pairs
                if c["amendments"]
            ),
            key=lambda t: t[0],
            default=None,
        )
    if current is None:
        current = next(((0, item, c) for item, c in pairs if c["status"] == "open"), None)
    if current is None:
        return {"res_item": None, "res_clause": None}
    _, item, clause = current
    proposed = sorted(
        (a for a in clause["amendments"] if a["status"] == "proposed"), key=lambda a: (-a["backers"], a["id"])
    )
    result, is_open = None, False
    if clause["open_check_id"]:
        check = await ConsensusCheck.get(id=clause["open_check_id"]).prefetch_related(
            "clause", "clause__item", "clause__item__session"
        )
        result, is_open = await resolutions.tally(check), True
    elif clause["last_check"]:
        check = await ConsensusCheck.get(id=clause["last_check"]["id"])
        result = check.result | {"outcome": check.outcome}
    return {
        "res_item": item,
        "res_clause": clause,
        "res_amendments": proposed[:SCREEN_AMENDMENTS],
        "res_more": max(0, len(proposed) - SCREEN_AMENDMENTS),
        "res_result": result,
        "res_open": is_open,
    }
