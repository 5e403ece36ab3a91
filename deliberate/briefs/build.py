"""Gather what a session produced into the brief dictionary (schema.md), with no names but those credited.

Reads the database and nothing else: no request, no renderer. Everything a format shows is in here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from typing import Any

from tortoise.expressions import Q

from deliberate import geo
from deliberate.actors import Actor
from deliberate.audit import publish_head
from deliberate.briefs import officialese
from deliberate.comments.models import Comment
from deliberate.i18n import BANGKOK, N_, get_language, gettext, language
from deliberate.opinion import group_name
from deliberate.outcomes.models import (
    ANSWER_LABELS,
    BUDGET_SOURCES,
    CARRIED,
    ROLES,
    STATUS_LABELS,
    ActionItem,
    Commitment,
    ProposalAnswer,
    ProvincePlan,
)
from deliberate.outcomes.plans import issue_number, province_plan
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.resolutions.models import (
    AMENDMENT_OPS,
    ANSWERS,
    SECTOR_GROUPS,
    AgendaItem,
    Amendment,
    AmendmentBacker,
    ClauseComment,
    ConsensusCheck,
)
from deliberate.resolutions.models import Clause as ResolutionClause
from deliberate.sessions.models import Participant, Session, Theme
from deliberate.sessions.phases import PHASE_LABELS
from deliberate.sessions.vocab import SECTORS, TARGET_GROUPS
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support
from deliberate.thaitext import verbs
from deliberate.voting.methods import SOURCES
from deliberate.voting.models import Ballot, VoteRound
from deliberate.voting.results import MIN_GROUP, round_results
from deliberate.voting.services import current_round

SCHEMA = "deliberate.brief/2"
ARGUMENTS_SHOWN = 3
# Fields left out of the content hash: they change on every build without the content changing.
UNHASHED = ("version", "content_hash", "generated_at")

# What the one count is, by the method that ranks: the heading of its column in every format.
COUNT_LABELS = {
    "support": N_("Supports"),
    "dots": N_("Dots"),
    "score": N_("Mean score"),
    "rank": N_("Borda points"),
    "agree": N_("Agree share"),
}
AGREEMENT_LABELS = {
    "consensus": N_("Consensus"),
    "opposed": N_("Broad agreement, with opposing comments"),
    "broad": N_("Broad agreement"),
    "some": N_("Some support"),
    "none": N_("No support yet"),
}


def agreement(share: float, against: int, supports: int) -> str:
    """The level of agreement a proposal reached; documented in schema.md."""
    if supports and share >= 0.75 and against == 0:
        return "consensus"
    if share >= 0.5:
        return "opposed" if against else "broad"
    return "some" if supports else "none"


def content_hash(brief: dict[str, Any]) -> str:
    body = {k: v for k, v in brief.items() if k not in UNHASHED}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pooled(counter: Counter[str], label: Any) -> tuple[list[dict[str, Any]], int]:
    """Groups of at least MIN_GROUP people, largest first; smaller ones pooled as "other groups", and that
    pool withheld too when it is still small. Returns the rows and how many people were withheld."""
    rows, small = [], 0
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= MIN_GROUP:
            rows.append({"key": key, "label": label(key), "count": n})
        else:
            small += n
    if small >= MIN_GROUP:
        rows.append({"key": "_other", "label": gettext("Other groups (each too small to show)"), "count": small})
        small = 0
    return rows, small


def _sector_label(key: str) -> str:
    return gettext(SECTORS[key]) if key in SECTORS else gettext("Not said")


def _subdistrict_label(key: str) -> str:
    return (geo.subdistrict_label(key) or key) if key else gettext("Not said")


async def build(session: Session, *, lang: str = "th", base_url: str = "") -> dict[str, Any]:
    with language(lang):
        return await _build(session, lang, base_url.rstrip("/"))


async def _build(session: Session, lang: str, base: str) -> dict[str, Any]:
    assembly = session.assembly
    people = await Participant.filter(session_id=session.id).values(
        "id", "display_name", "sector", "subdistrict_code", "organization", "assisted"
    )
    person = {p["id"]: p for p in people}
    proposals = await Proposal.filter(session_id=session.id, kind="proposal").order_by("id")
    published = [p for p in proposals if p.status == ProposalStatus.PUBLISHED]
    ids = [p.id for p in published]
    themes = await Theme.filter(assembly_id=assembly.id).order_by("position", "id")
    theme_name = {t.id: t.name for t in themes}

    supports = await Support.filter(proposal_id__in=ids).values_list("proposal_id", "participant_id")
    comments = (
        await Comment.filter(proposal_id__in=ids, hidden=False)
        .order_by("id")
        .values_list("proposal_id", "stance", "body", "author_id")
    )
    ballots = await Ballot.filter(round__session_id=session.id).values_list("participant_id", flat=True)
    answers = {a.proposal_id: a for a in await ProposalAnswer.filter(proposal_id__in=ids)}
    pledges = await Commitment.filter(proposal_id__in=ids).order_by("id")
    resolution = await _resolution(session)
    clause_ref = {
        c["id"]: {"item": i["no"], "number": c["number"]}
        for i in (resolution or {}).get("items", [])
        for c in i["clauses"]
        if c["number"] is not None
    }
    items = (
        await ActionItem.filter(Q(proposal_id__in=ids) | Q(clause_id__in=list(clause_ref)))
        .prefetch_related("updates")
        .order_by("id")
    )

    supporters_of: dict[int, set[int]] = defaultdict(set)
    for pid, who in supports:
        supporters_of[pid].add(who)
    all_supporters = {who for s in supporters_of.values() for who in s}
    stance_count: dict[int, Counter[str]] = defaultdict(Counter)
    arguments: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"for": [], "against": []})
    for pid, stance, body, _author in comments:
        stance = getattr(stance, "value", stance)
        stance_count[pid][stance] += 1
        if stance in ("for", "against"):
            arguments[pid][stance].append(body)

    took_part = (
        {p.author_id for p in proposals}
        | {a for *_, a in comments}
        | all_supporters
        | set(ballots)
        | {c.participant_id for c in pledges}
    ) - {None}
    by_sector, withheld_sector = _pooled(Counter(p["sector"] for p in people), _sector_label)
    by_area, withheld_area = _pooled(Counter(p["subdistrict_code"] for p in people), _subdistrict_label)

    merged_from: dict[int, list[int]] = defaultdict(list)
    authors_of: dict[int, list[int]] = defaultdict(list)
    for p in proposals:
        target = p.merged_into_id if p.status == ProposalStatus.MERGED else p.id
        if target is not None and p.author_id:
            authors_of[target].append(p.author_id)
        if p.status == ProposalStatus.MERGED and p.merged_into_id:
            merged_from[p.merged_into_id].append(p.id)

    # The one count ranks the proposals here as in the results API, the console and the projector: phone,
    # staff-entered and paper marks together, with the split by source beside it.
    ranking = await _ranking(session)
    figure_of = {i["id"]: i for i in ranking["items"]}
    place = {i["id"]: n for n, i in enumerate(ranking["items"])}
    by_votes = ranking["method"] == "support"
    count_label = COUNT_LABELS[ranking["method"]]
    ranked = sorted(published, key=lambda p: (place.get(p.id, len(place)), -len(supporters_of[p.id]), p.id))
    # In a support round the supporters are the round's (paper sheets included); otherwise the phones'.
    base_count = ranking["voters"] if by_votes else len(all_supporters)
    out_proposals: list[dict[str, Any]] = []
    for rank, p in enumerate(ranked, start=1):
        figure = figure_of.get(p.id) or {"count": 0, "by_source": dict.fromkeys(SOURCES, 0)}
        n = int(figure["count"]) if by_votes else len(supporters_of[p.id])
        share = round(n / base_count, 4) if base_count else 0.0
        against = stance_count[p.id]["against"]
        level = agreement(share, against, n)
        sector_rows, _ = _pooled(
            Counter(person[w]["sector"] for w in supporters_of[p.id] if w in person), _sector_label
        )
        proposer_sectors = Counter(person[a]["sector"] for a in authors_of[p.id] if a in person)
        answer = answers.get(p.id)
        out_proposals.append(
            {
                "id": p.id,
                "ref": f"P{p.id}",
                "rank": rank,
                "theme_id": p.theme_id,
                "theme": theme_name.get(p.theme_id, ""),
                "title": p.title,
                "body": p.body,
                "target_groups": [gettext(TARGET_GROUPS[t]) for t in p.target_groups if t in TARGET_GROUPS],
                "supports": n,
                "support_share": share,
                "count": figure["count"],
                "by_source": {k: figure["by_source"].get(k, 0) for k in SOURCES},
                "count_text": count_text(figure),
                "comments": {k: stance_count[p.id][k] for k in ("for", "against", "note")},
                "agreement": {"level": level, "label": gettext(AGREEMENT_LABELS[level])},
                "by_sector": [
                    {"label": r["label"], "supporters": r["count"]} for r in sector_rows if r["key"] != "_other"
                ],
                "arguments": {k: [{"text": t} for t in v[:ARGUMENTS_SHOWN]] for k, v in arguments[p.id].items()},
                # Comments against (ความเห็นแย้ง); an assembly's reservations (ข้อสงวน) are the resolution's.
                "opposing": list(arguments[p.id]["against"]),
                "proposers": {
                    "count": len(authors_of[p.id]),
                    # Pooled like the participation tables: a lone proposer's sector beside the plan row's
                    # ตำบล code would point at one person.
                    "by_sector": [
                        {"label": r["label"], "count": r["count"]} for r in _pooled(proposer_sectors, _sector_label)[0]
                    ],
                    "credited": [],
                },
                "merged_from": merged_from.get(p.id, []),
                "answer": _answer_json(answer),
                "clause": _clause(p, answer),
            }
        )

    by_id = {p["id"]: p for p in out_proposals}
    carried = [p for p in out_proposals if p["answer"] and p["answer"]["state"] in CARRIED]
    area_of = {
        pid: sorted({person[a]["subdistrict_code"] for a in authors_of[pid] if a in person} - {""}) for pid in by_id
    }
    plan = await province_plan(assembly.province_code)
    head = await publish_head(session.id, "brief")  # every format carries it: recorded as published
    brief: dict[str, Any] = {
        "schema": SCHEMA,
        "language": lang,
        "version": 0,
        "content_hash": "",
        "generated_at": dt.datetime.now(BANGKOK).isoformat(timespec="seconds"),
        "chain_head": head.hash if head else None,
        "links": {
            "open_data": f"{base}/api/v1/sessions/{session.code}/brief.json",
            "follow_up": f"{base}/a/{assembly.id}/follow-up",
        },
        "assembly": {
            "id": assembly.id,
            "title": assembly.title,
            "subtitle": assembly.subtitle,
            "province_code": assembly.province_code,
            "province": geo.province_name(assembly.province_code) if assembly.province_code else "",
            "venue": assembly.venue,
            "starts_on": _iso(assembly.starts_on),
            "ends_on": _iso(assembly.ends_on),
        },
        "session": {
            "code": session.code,
            "title": session.title,
            "phase": session.phase,
            "phase_label": gettext(PHASE_LABELS.get(session.phase, session.phase)),
            "opened_at": _iso(session.created_at),
            "closed_at": _iso(session.phase_changed_at) if session.phase == "closed" else None,
        },
        "participation": {
            "joined": len(people),
            "took_part": len(took_part & set(person)),
            "assisted": sum(1 for p in people if p["assisted"]),
            "min_group": MIN_GROUP,
            "by_sector": by_sector,
            "by_subdistrict": by_area,
            "withheld": {"sector": withheld_sector, "subdistrict": withheld_area},
        },
        "summary": {
            "proposals": len(published),
            "adopted": sum(1 for a in answers.values() if a.state == "adopted"),
            "forwarded": sum(1 for a in answers.values() if a.state == "forwarded"),
            "comments": len(comments),
            "supports": sum(p["supports"] for p in out_proposals) if by_votes else len(supports),
            "commitments": len(pledges),
            "action_items": len(items),
            "clauses_adopted": (resolution or {}).get("adopted", 0),
            "clauses_not_adopted": (resolution or {}).get("not_adopted", 0),
        },
        "themes": [
            {"id": t.id, "name": t.name, "proposal_ids": [p["id"] for p in out_proposals if p["theme_id"] == t.id]}
            for t in themes
        ],
        "ranking": {
            "round_id": (ranking["round"] or {}).get("id"),
            "method": ranking["method"],
            "method_label": ranking["method_label"],
            "count_label": gettext(count_label),
            "voters": ranking["voters"],
        },
        "proposals": out_proposals,
        "rounds": await _rounds(session),
        "opinion": await _opinion(session),
        "commitments": [_commitment_json(c, person) for c in pledges],
        "resolution": resolution,
        "plan_rows": [_plan_row(p, area_of[p["id"]], plan) for p in carried],
        "follow_up": [_item_json(i, clause_ref) for i in items],
    }
    first_phase = await StaffAction.filter(session_id=session.id, action="phase").order_by("id").first()
    number = await Session.filter(assembly_id=assembly.id, id__lte=session.id).count()
    staff = len(
        set(await StaffAction.filter(session_id=session.id).exclude(actor_id=None).values_list("actor_id", flat=True))
    )
    brief["minutes"] = _minutes(
        session, brief, number, first_phase.created_at if first_phase else session.created_at, staff
    )
    return brief


def _answer_json(answer: ProposalAnswer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "state": answer.state,
        "state_label": gettext(ANSWER_LABELS[answer.state]),
        "reason": answer.reason,
        "programme": answer.programme,
        "lead_agency": answer.lead_agency,
        "partners": answer.partners,
        "budget": float(answer.budget) if answer.budget is not None else None,
        "fiscal_year": answer.fiscal_year,
        "fiscal_year_to": answer.fiscal_year_to,
        "plan_issue": answer.plan_issue,
        "plan_approach": answer.plan_approach,
        "rationale": answer.rationale,
        "objectives": answer.objectives,
        "targets": answer.targets,
        "indicators": answer.indicators,
        "target_group": answer.target_group,
        "area_codes": answer.area_codes,
        "budget_source": answer.budget_source,
        "budget_source_label": gettext(BUDGET_SOURCES[answer.budget_source]) if answer.budget_source else "",
        "national_fit": answer.national_fit,
        "coordinator": answer.coordinator,
        "answered_at": _iso(answer.updated_at),
    }


def _clause(p: Proposal, answer: ProposalAnswer | None) -> str | None:
    """A resolution clause in the National Health Assembly's form: ขอให้ [agency] ร่วมกับ [partners] [action]."""
    if answer is None or answer.state not in CARRIED or not answer.lead_agency:
        return None
    action = verbs.action(answer.programme or p.title).text
    if answer.partners:
        return gettext(
            "Ask {agency} together with {partners} to {action}",
            agency=answer.lead_agency,
            partners=answer.partners,
            action=action,
        )
    return gettext("Ask {agency} to {action}", agency=answer.lead_agency, action=action)


def _commitment_json(c: Commitment, person: dict[int, dict[str, Any]]) -> dict[str, Any]:
    who = c.who
    if c.kind == "participant":
        p = (person.get(c.participant_id) if c.participant_id is not None else None) or {}
        who = (p.get("display_name") if c.credited else "") or gettext(
            "A participant ({sector})", sector=_sector_label(p.get("sector", ""))
        )
    return {
        "id": c.id,
        "proposal_id": c.proposal_id,
        "who": who,
        "kind": c.kind,
        "role": c.role,
        "role_label": gettext(ROLES[c.role]),
        "what": c.what,
        "due": _iso(c.due),
        "created_at": _iso(c.created_at),
    }


def _yearly(values: dict[str, str]) -> str:
    return ", ".join(gettext("FY {year}: {value}", year=y, value=v) for y, v in values.items())


def _not_given() -> str:
    return gettext("Not given by the staff")


def _plan_row(p: dict[str, Any], areas: list[str], plan: ProvincePlan | None) -> dict[str, Any]:
    """One row of the province plan's project list. Every column says something: what the staff entered,
    what the assembly's record gives, or that the staff left it empty."""
    a = p["answer"]
    given = _not_given()
    number = issue_number(plan, a["plan_issue"]) if a["plan_issue"] else None
    issue = (
        gettext("Development issue {n}: {name}", n=number, name=a["plan_issue"]) if number else a["plan_issue"]
    ) or given
    years = a["fiscal_year"], a["fiscal_year_to"]
    evidence = gettext(
        "The assembly: {n} supporters, {agreement}; {against} opposing comments.",
        n=p["supports"],
        agreement=p["agreement"]["label"],
        against=p["comments"]["against"],
    )
    indicators = "\n".join(f"{i['name']}: {_yearly(i['values'])}" for i in a["indicators"])
    if a["area_codes"]:
        area = ", ".join(geo.area_label(code) for code in a["area_codes"])
    elif areas:  # where the proposers live, when the staff named no area
        area = gettext(
            "Where the proposers live: {areas}", areas=", ".join(f"{_subdistrict_label(c)} ({c})" for c in areas)
        )
    else:
        area = given
    return {
        "proposal_id": p["id"],
        "ref": p["ref"],
        "issue": issue,
        "approach": a["plan_approach"] or given,
        "project": a["programme"] or given,
        "rationale": f"{a['rationale'] or given}\n{evidence}",
        "objectives": a["objectives"] or given,
        "targets": a["targets"] or given,
        "indicators": indicators or given,
        "target_group": a["target_group"] or ", ".join(p["target_groups"]) or given,
        "area": area,
        "fiscal_years": (
            f"{years[0]}-{years[1]}" if years[0] and years[1] and years[1] != years[0] else str(years[0] or "")
        )
        or given,
        "budget": a["budget"],
        "budget_source": a["budget_source_label"] or given,
        "lead_agency": a["lead_agency"] or given,
        "partners": a["partners"] or given,
        "national_fit": a["national_fit"] or given,
        "agreement": p["agreement"]["label"],
        "proposers_by_sector": ", ".join(f"{s['label']} {s['count']}" for s in p["proposers"]["by_sector"])
        or gettext("Fewer than {n} in each sector: not shown", n=MIN_GROUP),
        "coordinator": a["coordinator"] or given,
    }


def _item_json(item: ActionItem, clause_ref: dict[int, dict[str, int]]) -> dict[str, Any]:
    return {
        "id": item.id,
        "proposal_id": item.proposal_id,
        # An adopted resolution clause's action item: its agenda item and its number among the adopted clauses.
        "clause": clause_ref.get(item.clause_id) if item.clause_id is not None else None,
        "title": item.title,
        "community_owner": item.community_owner,
        "agency_owner": item.agency_owner,
        "due": _iso(item.due),
        "status": item.status,
        "status_label": gettext(STATUS_LABELS[item.status]),
        "updates": [
            {"on": _iso(u.on), "status": u.status, "status_label": gettext(STATUS_LABELS[u.status]), "note": u.note}
            for u in sorted(item.updates, key=lambda u: (u.on, u.id))
        ],
    }


FIGURE_TEXT = {
    "support": lambda r: gettext("{n} supports", n=r.get("supports", 0)),
    "dots": lambda r: gettext("{n} dots", n=r.get("dots", 0)),
    "score": lambda r: gettext("mean {mean}, median {median}", mean=r.get("mean", 0), median=r.get("median", 0)),
    "rank": lambda r: gettext("Borda {b} · Schulze place {s}", b=r.get("borda", 0), s=r.get("schulze_place") or "-"),
    "agree": lambda r: gettext(
        "agree {a} · disagree {d} · pass {p}", a=r.get("agree", 0), d=r.get("disagree", 0), p=r.get("pass", 0)
    ),
}


async def _ranking(session: Session) -> dict[str, Any]:
    """The results that rank the brief's proposals, as everyone may see them: the session's current round,
    which the results API answers by default; if that holds statements or its results are still hidden,
    the latest proposal round whose results are out; else the supports alone."""
    current = await current_round(session)
    earlier = await VoteRound.filter(session_id=session.id).exclude(method="agree").order_by("-id")
    for candidate in [current, *earlier]:
        if candidate is None or candidate.method == "agree":
            continue
        results = await round_results(Actor(), session, candidate)
        if not results["hidden"]:
            return results
    return await round_results(Actor(), session, None)


def count_text(figure: dict[str, Any]) -> str:
    """The split of the one count by source, in words: "phone 2 · staff 1 · paper 3"."""
    parts = figure.get("by_source") or {}
    return gettext(
        "phone {phone} · staff {assisted} · paper {paper}",
        phone=_figure(parts.get("phone", 0)),
        assisted=_figure(parts.get("assisted", 0)),
        paper=_figure(parts.get("paper", 0)),
    )


def _figure(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


async def _rounds(session: Session) -> list[dict[str, Any]]:
    """Closed rounds whose results may be shown (hidden ones only once revealed)."""
    from deliberate.voting.tally import MAIN_FIGURE

    out = []
    for r in await VoteRound.filter(session_id=session.id, is_open=False).order_by("id"):
        res = await round_results(Actor(), session, r, by="sector")
        if res["hidden"]:
            continue
        main = MAIN_FIGURE[r.method]
        out.append(
            {
                "id": r.id,
                "method": r.method,
                "method_label": res["method_label"],
                "title": r.title,
                "voters": res["voters"],
                "items": [
                    {
                        "id": i["id"],
                        "title": i["title"],
                        "rank": i["rank"],
                        "figure": i.get(main),
                        "count": i["count"],
                        "by_source": i["by_source"],
                        "figure_label": FIGURE_TEXT[r.method](i),
                        "passes": i["passes"],
                    }
                    for i in res["items"]
                ],
                "by_sector": [
                    {
                        "label": g["label"],
                        "voters": g["voters"],
                        "figures": {str(k): v for k, v in g["figures"].items()},
                    }
                    for g in res.get("groups", {}).get("groups", [])
                ],
            }
        )
    return out


async def _opinion(session: Session) -> dict[str, Any] | None:
    from deliberate.statements import opinion

    if not await Proposal.filter(session_id=session.id, kind="statement").exists():
        return None
    m = (await opinion.current(session)).map
    if not m.participant_ids:
        return None
    titles = dict(await Proposal.filter(session_id=session.id, kind="statement").values_list("id", "title"))
    return {
        "participants": len(m.participant_ids),
        "statements": len(m.statement_ids),
        "groups": [
            {
                "id": g.id,
                "name": _group_name(g.id),
                "size": len(g.members),
                "representative": [
                    {"text": titles.get(r.statement_id, ""), "direction": r.direction, "share": round(r.p_success, 3)}
                    for r in m.repness.get(g.id, [])[:3]
                ],
            }
            for g in m.groups
        ],
        "consensus": [
            {"text": titles.get(c.statement_id, ""), "agree_share": round(c.p_success, 3)}
            for c in m.consensus.agree[:5]
        ],
        "divisive": [
            {"text": titles.get(sid, ""), "score": round(score, 3)}
            for sid, score in sorted(m.divisiveness.items(), key=lambda kv: -kv[1])[:5]
            if score > 0
        ],
    }


THAI_GROUP_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


def _group_name(group_id: int) -> str:
    """Opinion groups in a Thai brief are กลุ่ม ก, ข, ค (as Thai lists are lettered); A, B, C in English."""
    if get_language() == "th" and 0 <= group_id < len(THAI_GROUP_LETTERS):
        return THAI_GROUP_LETTERS[group_id]
    return group_name(group_id)


def _minutes(session: Session, brief: dict[str, Any], number: int, opened: dt.datetime, staff: int) -> dict[str, Any]:
    """The session's record in the form-11 order, written from what happened. It opens with the first
    phase change (the lobby is people arriving) and ends when the session is closed. Numbers in the text
    are Arabic here; the renderers write the whole document in one digit style."""
    s, part = brief["summary"], brief["participation"]
    themes = [t for t in brief["themes"] if t["proposal_ids"]]
    agenda: list[dict[str, Any]] = [
        {
            "no": "1",
            "heading": gettext("Matters the chair informs the meeting of"),
            "body": [
                gettext(
                    "The chair opened the session “{title}” and presented {n} strategic issues: {names}.",
                    title=session.title,
                    n=len(brief["themes"]),
                    names=", ".join(t["name"] for t in brief["themes"]),
                )
            ]
            if brief["themes"]
            else [gettext("The chair opened the session “{title}”.", title=session.title)],
            "resolution": gettext("The meeting took note."),
        },
        {
            "no": "2",
            "heading": gettext("Endorsement of the minutes of the previous meeting"),
            "body": [gettext("This is the assembly's first meeting: there are no earlier minutes to endorse.")]
            if number == 1
            else [gettext("The minutes of meeting no. {no} were put to the meeting.", no=number - 1)],
            "resolution": gettext("None.") if number == 1 else "",
        },
        {
            "no": "3",
            "heading": gettext("Matters arising"),
            "body": [gettext("None.")] if number == 1 else [],
            "resolution": gettext("None.") if number == 1 else "",
        },
        {
            "no": "4",
            "heading": gettext("Matters for consideration"),
            "body": [],
            "resolution": None,  # each item under it (4.1, 4.2...) has its own
        },
    ]
    sub = 0
    by_id = {p["id"]: p for p in brief["proposals"]}
    if brief["proposals"]:
        sub += 1
        considered = []
        for t in themes:
            for pid in t["proposal_ids"]:
                p = by_id[pid]
                outcome = p["answer"]["state_label"] if p["answer"] else gettext("no answer yet")
                considered.append(
                    gettext(
                        "{ref} {title}: {outcome} ({agreement}; {n} supports)",
                        ref=p["ref"],
                        title=p["title"],
                        outcome=outcome,
                        agreement=p["agreement"]["label"],
                        n=p["supports"],
                    )
                )
        agenda.append(
            {
                "no": f"4.{sub}",
                "heading": gettext("The proposals"),
                "body": [
                    gettext(
                        "Participants put {p} proposals, wrote {c} comments and gave {s} supports.",
                        p=s["proposals"],
                        c=s["comments"],
                        s=s["supports"],
                    ),
                    *considered,
                ],
                "resolution": gettext(
                    "The meeting adopted {a} proposals and forwarded {f} to agencies.",
                    a=s["adopted"],
                    f=s["forwarded"],
                ),
            }
        )
    for item in (brief.get("resolution") or {}).get("items", []):
        sub += 1
        agenda.append({"no": f"4.{sub}", **_minutes_item(item, by_id)})
    if brief.get("opinion"):
        sub += 1
        o = brief["opinion"]
        agenda.append(
            {
                "no": f"4.{sub}",
                "heading": gettext("The statements and the opinion map"),
                "body": [
                    gettext(
                        "{people} people marked {statements} statements; the opinion map found {groups} groups.",
                        people=o["participants"],
                        statements=o["statements"],
                        groups=len(o["groups"]),
                    ),
                    *(gettext("Statement most people agree on: {text}", text=st["text"]) for st in o["consensus"]),
                    *(gettext("Statement that divides the groups: {text}", text=st["text"]) for st in o["divisive"]),
                ],
                "resolution": gettext("The meeting took note of the findings."),
            }
        )
    if sub == 0:
        agenda[3]["body"] = [gettext("None.")]
        agenda[3]["resolution"] = gettext("None.")
    agenda.append(
        {
            "no": "5",
            "heading": gettext("Other matters"),
            "body": [gettext("{n} pledges to act were made.", n=s["commitments"])],
            "resolution": gettext("The meeting took note."),
        }
    )
    ended = session.phase_changed_at if session.phase == "closed" else None
    return {
        "body": brief["assembly"]["title"],
        "meeting_no": f"{number}/{officialese.fiscal_year(opened.astimezone(BANGKOK))}",
        "date": _iso(
            (brief["assembly"]["starts_on"] and dt.date.fromisoformat(brief["assembly"]["starts_on"]))
            or opened.astimezone(BANGKOK).date()
        ),
        "venue": brief["assembly"]["venue"],
        "started_at": _iso(opened),
        "ended_at": _iso(ended),
        "attendance": {
            "count": part["joined"],
            "by_sector": [{"label": r["label"], "count": r["count"]} for r in part["by_sector"]],
            "named": [],
        },
        # An open assembly keeps no list of who was invited: no one is recorded as absent.
        "absent": gettext("None recorded: the session was open to everyone who joined."),
        "attending": gettext("Staff and facilitators of the session: {n} people.", n=staff) if staff else "",
        "agenda": agenda,
        "recorder": "",
    }


def _minutes_item(item: dict[str, Any], proposals: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A resolution agenda item in the minutes: what was discussed, each amendment and its decision, each
    consensus check, and the resolution (มติที่ประชุม) clause by clause."""
    body = []
    grouped = [f"{proposals[pid]['ref']} {proposals[pid]['title']}" for pid in item["proposal_ids"] if pid in proposals]
    if grouped:
        body.append(gettext("The drafting team brought a draft drawn from: {proposals}.", proposals="; ".join(grouped)))
    drafted = [c for c in item["clauses"] if c["draft_no"] is not None or c["status"] == "removed"]
    body.append(gettext("The draft resolution has {n} clauses.", n=sum(1 for c in drafted if c["draft_no"])))
    said = sum(c.get("comments", 0) for c in item["clauses"])
    if said:
        body.append(gettext("Participants wrote {n} comments on the clauses.", n=said))
    adopted, rest = [], []
    for c in item["clauses"]:
        name = gettext("Clause {n}", n=c["draft_no"]) if c["draft_no"] is not None else gettext("Removed clause")
        for am in c["amendments"]:
            body.append(
                gettext(
                    "{clause}: amendment ({op}), because “{reason}”; {backers} backers. {decision}.",
                    clause=name,
                    op=am["op_label"],
                    reason=am["reason"],
                    backers=am["backers"],
                    decision=am["status_label"],
                )
            )
        for ch in c["checks"]:
            body.append(
                gettext(
                    "{clause}: consensus check on version {v}: {counts} ({total} answered). {outcome}.",
                    clause=name,
                    v=ch["clause_version"],
                    counts=ch["counts_text"],
                    total=ch["total"],
                    outcome=ch["outcome_label"],
                )
            )
        if c["status"] == "adopted":
            adopted.append(
                gettext("clause {n} ({level})", n=c["number"], level=c["level_label"])
                + (
                    " "
                    + gettext(
                        "with reservations recorded: {text}", text=" / ".join(f"“{r}”" for r in c["reservations"])
                    )
                    if c["reservations"]
                    else ""
                )
            )
        else:
            rest.append(gettext("{clause}: {why}", clause=name, why=c["why_label"]))
    resolution = (
        gettext("The meeting adopted, as the resolution on this item: {clauses}.", clauses="; ".join(adopted))
        if adopted
        else gettext("The meeting adopted no clause of this item.")
    )
    if rest:
        resolution += " " + gettext("Not adopted: {clauses}.", clauses="; ".join(rest))
    return {"heading": gettext("Agenda item: {title}", title=item["title"]), "body": body, "resolution": resolution}


# --- the assembly's resolution (THAI-CONTEXT.md section 2), as adopted clause by clause -----------------------

# The level of agreement in the words Thai assemblies use: ฉันทามติ / เห็นด้วยส่วนใหญ่ / มีข้อสงวน.
CLAUSE_LEVELS = {"consensus": N_("Consensus"), "reservations": N_("With reservations")}
NOT_ADOPTED_WHY = {
    "blocked": N_("Blocked: {n} answered “block”"),
    "too_many_reservations": N_("Too many reservations: {n} of {total} answers, more than the {max} allowed"),
    "no_answers": N_("No one answered the consensus check"),
    "not_checked": N_("Still under discussion: no consensus check has been closed"),
    "removed": N_("Removed by an amendment"),
}
CHECK_OUTCOMES = {"adopted": N_("Adopted by consensus"), "not_adopted": N_("Not adopted: back to amendment")}
PROPOSED = "proposed"
AMENDMENT_DECISIONS = {
    "accepted": N_("Amendment accepted"),
    "rejected": N_("Amendment rejected"),
    "merged": N_("Merged into another amendment"),
    "proposed": N_("Not yet decided"),
}


def counts_text(counts: dict[str, int] | None) -> str:
    """ "agree 12 · can live with it 3 · reservation 1 · block 0", in the brief's language."""
    counts = counts or {}
    return " · ".join(f"{gettext(label)} {counts.get(key, 0)}" for key, label in ANSWERS.items())


def _why_text(key: str, **values: object) -> str:
    return gettext(NOT_ADOPTED_WHY[key], **values)


def _why_not(status: str, result: dict[str, Any] | None) -> tuple[str, str]:
    if status == "removed":
        return "removed", _why_text("removed")
    if status == "open" or result is None:
        return "not_checked", _why_text("not_checked")
    counts, total = result.get("counts") or {}, int(result.get("total") or 0)
    if not total:
        return "no_answers", _why_text("no_answers")
    if counts.get("block"):
        return "blocked", _why_text("blocked", n=counts["block"])
    share = float(result.get("max_reservation_share") or 0)
    return "too_many_reservations", _why_text(
        "too_many_reservations",
        n=counts.get("reservation", 0),
        total=total,
        max=f"{round(share * 100)}%",
    )


def _check_sectors(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Answers by the three sectors; the counts only of a group of at least MIN_GROUP voices."""
    rows = []
    for row in result.get("by_sector") or []:
        n = int(row.get("answers") or 0)
        shown = n >= MIN_GROUP and row.get("counts") is not None
        key = str(row.get("key") or "")
        rows.append(
            {
                "key": key,
                "label": gettext(SECTOR_GROUPS[key]) if key in SECTOR_GROUPS else row.get("label"),
                "answers": n if shown else None,
                "counts": {k: int((row.get("counts") or {}).get(k, 0)) for k in ANSWERS} if shown else None,
                "text": counts_text(row.get("counts")) if shown else gettext("fewer than {n} answers", n=MIN_GROUP),
            }
        )
    return rows


def _check_json(check: ConsensusCheck) -> dict[str, Any]:
    result = check.result or {}
    counts = {k: int((result.get("counts") or {}).get(k, 0)) for k in ANSWERS}
    return {
        "id": check.id,
        "clause_version": check.clause_version,
        "outcome": check.outcome,
        "outcome_label": gettext(CHECK_OUTCOMES.get(check.outcome, check.outcome)),
        "total": int(result.get("total") or 0),
        "counts": counts,
        "counts_text": counts_text(counts),
        "by_sector": _check_sectors(result),
        "closed_at": _iso(check.closed_at),
    }


async def _resolution(session: Session) -> dict[str, Any] | None:
    items = await AgendaItem.filter(session_id=session.id).order_by("position", "id")
    if not items:
        return None
    clauses = await ResolutionClause.filter(item_id__in=[i.id for i in items]).order_by("position", "id")
    ids = [c.id for c in clauses]
    checks: dict[int, list[ConsensusCheck]] = defaultdict(list)
    for ch in await ConsensusCheck.filter(clause_id__in=ids, is_open=False).order_by("id"):
        if ch.outcome in CHECK_OUTCOMES:
            checks[ch.clause_id].append(ch)
    amendments: dict[int, list[Amendment]] = defaultdict(list)
    for am in await Amendment.filter(clause_id__in=ids).order_by("id"):
        amendments[am.clause_id].append(am)
    backers: Counter[int] = Counter(
        await AmendmentBacker.filter(amendment__clause_id__in=ids).values_list("amendment_id", flat=True)  # type: ignore[arg-type]
    )
    comments = Counter(c.clause_id for c in await ClauseComment.filter(clause_id__in=ids).only("id", "clause_id"))
    out_items: list[dict[str, Any]] = []
    for no, item in enumerate(items, start=1):
        draft_no = adopted_no = 0
        out_clauses = []
        for c in (c for c in clauses if c.item_id == item.id):
            own_checks = checks[c.id]
            last = own_checks[-1] if own_checks else None
            if c.status != "removed":
                draft_no += 1
            adopted = c.status == "adopted"
            if adopted:
                adopted_no += 1
            verb = verbs.clause_check(c.text, c.lead_agency, list(c.partners))
            reasons = [
                r.get("reason", "") for r in ((last.result or {}).get("reservations") or [] if last else []) if r
            ]
            reserved = bool(c.reservations) or bool(last and (last.result.get("counts") or {}).get("reservation"))
            level = ("reservations" if reserved else "consensus") if adopted else None
            why, why_label = (None, "") if adopted else _why_not(c.status, last.result if last else None)
            out_clauses.append(
                {
                    "id": c.id,
                    "draft_no": draft_no if c.status != "removed" else None,
                    "number": adopted_no if adopted else None,
                    "text": c.text,
                    "version": c.version,
                    "status": c.status,
                    "lead_agency": c.lead_agency,
                    "partners": list(c.partners),
                    "has_verb": verb.had_verb,
                    "proposed_verb": verb.proposed_verb,
                    "level": level,
                    "level_label": gettext(CLAUSE_LEVELS[level]) if level else "",
                    "why": why,
                    "why_label": why_label,
                    "reservations": list(c.reservations) if adopted else [],
                    "objections": [] if adopted else reasons,
                    "comments": comments.get(c.id, 0),
                    "check": _check_json(last) if last else None,
                    "checks": [_check_json(ch) for ch in own_checks],
                    "amendments": [
                        {
                            "id": am.id,
                            "op": am.op,
                            "op_label": gettext(AMENDMENT_OPS[am.op]),
                            "text": am.text,
                            "reason": am.reason,
                            "status": am.status,
                            "status_label": gettext(
                                AMENDMENT_DECISIONS.get(am.status) or AMENDMENT_DECISIONS[PROPOSED]
                            ),
                            "backers": backers.get(am.id, 0),
                        }
                        for am in amendments[c.id]
                    ],
                }
            )
        out_items.append(
            {
                "id": item.id,
                "no": no,
                "title": item.title,
                "preamble": [p for p in item.preamble if p and p.strip()],
                "proposal_ids": list(item.proposal_ids),
                "clauses": out_clauses,
            }
        )
    every = [c for i in out_items for c in i["clauses"]]
    return {
        "items": out_items,
        "adopted": sum(1 for c in every if c["status"] == "adopted"),
        "not_adopted": sum(1 for c in every if c["status"] != "adopted"),
    }
