"""What /api/v1 answers: the JSON Schemas of the OpenAPI document's components and which one each operation
returns. Objects list every key the handlers write as required; keys may be added later (no
`additionalProperties: false`), so a client reads what it knows. tests/api/test_contract.py validates real
answers against these."""

from __future__ import annotations

from typing import Any

from deliberate.outcomes.models import ROLES, STATUS_LABELS, AnswerState
from deliberate.resolutions.export import STATUS_LABELS as CLAUSE_STATUS_LABELS
from deliberate.resolutions.models import AMENDMENT_OPS, ANSWERS
from deliberate.sessions.phases import PHASES
from deliberate.voting.methods import METHODS

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ID: Schema = {"type": "integer", "minimum": 1}
WHEN: Schema = {"type": "string", "format": "date-time"}
DAY: Schema = {"type": "string", "format": "date"}
CODE: Schema = {"type": "string", "pattern": "^[A-Z0-9]{6}$"}
HASH: Schema = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PHASE: Schema = {"type": "string", "enum": list(PHASES)}
ANSWER_STATE: Schema = {"type": "string", "enum": [s.value for s in AnswerState]}
PROGRESS: Schema = {"type": "string", "enum": list(STATUS_LABELS)}
PLEDGE_ROLE: Schema = {"type": "string", "enum": list(ROLES)}
METHOD: Schema = {"type": "string", "enum": list(METHODS)}
CHECK_ANSWER: Schema = {"type": "string", "enum": list(ANSWERS)}
AMENDMENT_OP: Schema = {"type": "string", "enum": list(AMENDMENT_OPS)}
CLAUSE_STATUS: Schema = {"type": "string", "enum": list(CLAUSE_STATUS_LABELS)}


def null(schema: Schema) -> Schema:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def many(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(description: str = "", /, **props: Schema) -> Schema:
    """An object whose every listed key is always present."""
    out: Schema = {"type": "object", "properties": props, "required": list(props)}
    if description:
        out["description"] = description
    return out


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def counts(*keys: str) -> Schema:
    return obj(**{k: {"type": "integer", "minimum": 0} for k in keys})


SOURCES = counts("phone", "assisted", "paper")
ANSWER_COUNTS = counts(*ANSWERS)
GIVEN_COUNTS: Schema = {  # a group's answers: only those someone gave
    "type": "object",
    "propertyNames": CHECK_ANSWER,
    "additionalProperties": {"type": "integer", "minimum": 1},
}
ROUND_OPTIONS = obj(
    hidden=BOOL,
    quorum=INT,
    threshold=null(INT),
    allow_assisted=BOOL,
    allow_paper=BOOL,
    budget=INT,
    max_per=INT,
    scale={"type": "string", "enum": ["1-5", "0-10"]},
    k=INT,
)
ISSUED_LINK = obj(
    "A one-time link: its token is shown only in this answer",
    id=ID,
    kind={"type": "string", "enum": ["invite", "reset"]},
    email=STR,
    role=null(STR),
    assembly_id=null(ID),
    grant_role=null(STR),
    province_code=null(STR),
    expires_at=WHEN,
    token=STR,
    url={"type": "string", "format": "uri"},
)
SIGNED_IN = obj(token=STR, email=STR, role=STR)
REMOVED = obj(id=ID, removed={"const": True})
CLAUSE_BRIEF = obj(
    "A clause as a write answers it",
    id=ID,
    version=ID,
    text=STR,
    status=CLAUSE_STATUS,
    lead_agency=STR,
    partners=many(STR),
    reservations=many(STR),
)
CHECK_RESULT_FIELDS: dict[str, Schema] = {
    "total": INT,
    "counts": ANSWER_COUNTS,
    "by_sector": many(
        obj(
            key=STR,
            label=STR,
            answers=INT,
            counts=null(GIVEN_COUNTS),
            share=NUM,
            minimum=null(NUM),
            minimum_met=null(BOOL),
        )
    ),
    "by_network": many(obj(network=STR, answers=INT, counts=GIVEN_COUNTS)),
    "reservations": many(obj(reason=STR, answer=CHECK_ANSWER)),
    "max_reservation_share": NUM,
}
OUTCOME = {"type": ["string", "null"], "enum": ["adopted", "not_adopted", "void", None]}
ANSWER = obj(
    "A staff answer to a proposal and its place in the provincial plan",
    proposal_id=ID,
    state=ANSWER_STATE,
    reason=STR,
    programme=STR,
    lead_agency=STR,
    partners=STR,
    budget=null(NUM),
    fiscal_year=null(INT),
    fiscal_year_to=null(INT),
    plan_issue=STR,
    plan_approach=STR,
    rationale=STR,
    objectives=STR,
    targets=STR,
    indicators=many(obj(name=STR, values={"type": "object", "additionalProperties": STR})),
    target_group=STR,
    area_codes=many(STR),
    budget_source={"type": "string", "enum": ["", "province", "ministry", "local", "other"]},
    national_fit=STR,
    coordinator=STR,
)
ACTION_ITEM = obj(
    id=ID,
    proposal_id=null(ID),
    clause_id=null(ID),
    title=STR,
    community_owner=STR,
    agency_owner=STR,
    due=null(DAY),
    status=PROGRESS,
    updates=many(obj(on=DAY, status=PROGRESS, note=STR)),
)

# The resolution JSON (`deliberate.resolution/1`): deliberate/resolutions/schema.md describes it field by field.
RESOLUTION_CLAUSE = obj(
    id=ID,
    number=null(ID),
    version=ID,
    text=STR,
    status=CLAUSE_STATUS,
    status_label=STR,
    lead_agency=STR,
    partners=many(STR),
    reservations=many(STR),
    proposed_verb=STR,
    open_check_id=null(ID),
    last_check=null(
        obj(
            id=ID,
            outcome={"type": "string", "enum": ["adopted", "not_adopted"]},
            counts=null(ANSWER_COUNTS),
            total=null(INT),
        )
    ),
    amendments=many(
        obj(
            id=ID,
            op=AMENDMENT_OP,
            op_label=STR,
            text=STR,
            reason=STR,
            base_version=ID,
            status={"type": "string", "enum": ["proposed", "accepted", "rejected", "merged"]},
            backers={"type": "integer", "minimum": 0},
            merged_into=null(ID),
            diff=many(obj(op={"type": "string", "enum": ["same", "added", "removed"]}, text=STR)),
            created_at=null(WHEN),
            decided_at=null(WHEN),
        )
    ),
    comments=many(obj(id=ID, body=STR, created_at=null(WHEN))),
    history=many(obj(version=ID, text=STR, status=STR, amendment_id=null(ID))),
)
RESOLUTION = obj(
    "A session's resolutions, clause by clause: deliberate/resolutions/schema.md",
    schema={"const": "deliberate.resolution/1"},
    language={"type": "string", "enum": ["th", "en"]},
    assembly=obj(id=ID, title=STR, subtitle=STR, province=STR, venue=STR, starts_on=null(DAY), ends_on=null(DAY)),
    session=obj(code=CODE, title=STR, phase=PHASE),
    answers=obj(agree=STR, live_with=STR, reservation=STR, block=STR),
    items=many(
        obj(
            id=ID,
            title=STR,
            background=STR,
            preamble=many(STR),
            version=ID,
            clauses=many(ref("ResolutionClause")),
            proposals=many(obj(id=ID, ref=STR, title=STR)),
        )
    ),
)

ARGUMENTS: Schema = {  # "for" is a keyword in Python: spelt out
    "type": "object",
    "properties": {"for": many(obj(text=STR)), "against": many(obj(text=STR))},
    "required": ["for", "against"],
}

# The brief (`deliberate.brief/2`): deliberate/briefs/schema.md describes it field by field.
BRIEF_PROPOSAL = obj(
    id=ID,
    ref=STR,
    rank=INT,
    theme_id=null(ID),
    theme=STR,
    title=STR,
    body=STR,
    target_groups=many(STR),
    count=INT,
    by_source=SOURCES,
    count_text=STR,
    supports=INT,
    support_share=NUM,
    comments=counts("for", "against", "note"),
    agreement=obj(level={"type": "string", "enum": ["consensus", "broad", "opposed", "some", "none"]}, label=STR),
    by_sector=many(obj(label=STR, supporters=INT)),
    arguments=ARGUMENTS,
    opposing=many(STR),
    proposers=obj(count=INT, by_sector=many(obj(label=STR, count=INT)), credited=many(STR)),
    merged_from=many(ID),
    answer=null(
        obj(
            "The staff answer; the whole plan row is in plan_rows",
            state=ANSWER_STATE,
            state_label=STR,
            reason=STR,
            programme=STR,
            lead_agency=STR,
            partners=STR,
            budget=null(NUM),
            fiscal_year=null(INT),
            fiscal_year_to=null(INT),
            plan_issue=STR,
            plan_approach=STR,
            rationale=STR,
            objectives=STR,
            targets=STR,
            indicators=many(obj(name=STR, values={"type": "object", "additionalProperties": STR})),
            target_group=STR,
            area_codes=many(STR),
            budget_source={"type": "string", "enum": ["", "province", "ministry", "local", "other"]},
            national_fit=STR,
            coordinator=STR,
            budget_source_label=STR,
            answered_at=null(WHEN),
        )
    ),
    clause=null(STR),
)
BRIEF = obj(
    "The session's policy brief as open data: deliberate/briefs/schema.md",
    schema={"const": "deliberate.brief/2"},
    language={"type": "string", "enum": ["th", "en"]},
    version=ID,
    content_hash=HASH,
    generated_at=WHEN,
    chain_head=null(HASH),
    links=obj(open_data={"type": "string", "format": "uri"}, follow_up={"type": "string", "format": "uri"}),
    assembly=obj(
        id=ID,
        title=STR,
        subtitle=STR,
        province_code=STR,
        province=STR,
        venue=STR,
        starts_on=null(DAY),
        ends_on=null(DAY),
    ),
    session=obj(code=CODE, title=STR, phase=PHASE, phase_label=STR, opened_at=null(WHEN), closed_at=null(WHEN)),
    participation=obj(
        joined=INT,
        took_part=INT,
        assisted=INT,
        min_group=INT,
        by_sector=many(obj(key=STR, label=STR, count=INT)),
        by_subdistrict=many(obj(key=STR, label=STR, count=INT)),
        withheld=obj(sector=INT, subdistrict=INT),
    ),
    summary=counts(
        "proposals",
        "adopted",
        "forwarded",
        "comments",
        "supports",
        "commitments",
        "action_items",
        "clauses_adopted",
        "clauses_not_adopted",
    ),
    themes=many(obj(id=ID, name=STR, proposal_ids=many(ID))),
    ranking=obj(round_id=null(ID), method=STR, method_label=STR, count_label=STR, voters=INT),
    proposals=many(ref("BriefProposal")),
    rounds=many(
        obj(
            id=ID,
            method=STR,
            method_label=STR,
            title=STR,
            voters=INT,
            items=many(
                obj(
                    id=ID,
                    title=STR,
                    rank=INT,
                    figure=null(NUM),
                    figure_label=STR,
                    passes=null(BOOL),
                    count=NUM,
                    by_source=SOURCES,
                )
            ),
            by_sector=many(obj(label=STR, voters=INT, figures={"type": "object", "additionalProperties": null(NUM)})),
        )
    ),
    opinion=null(
        obj(
            participants=INT,
            statements=INT,
            groups=many(
                obj(
                    id=INT,
                    name=STR,
                    size=INT,
                    representative=many(
                        obj(text=STR, direction={"type": "string", "enum": ["agree", "disagree"]}, share=NUM)
                    ),
                )
            ),
            consensus=many(obj(text=STR, agree_share=NUM)),
            divisive=many(obj(text=STR, score=NUM)),
        )
    ),
    commitments=many(
        obj(
            id=ID,
            proposal_id=ID,
            who=STR,
            kind={"type": "string", "enum": ["agency", "organisation", "participant"]},
            role=PLEDGE_ROLE,
            role_label=STR,
            what=STR,
            due=null(DAY),
            created_at=WHEN,
        )
    ),
    resolution=null(
        obj(
            adopted=INT,
            not_adopted=INT,
            items=many(
                obj(
                    id=ID,
                    no=INT,
                    title=STR,
                    preamble=many(STR),
                    proposal_ids=many(ID),
                    clauses=many(ref("BriefClause")),
                )
            ),
        )
    ),
    plan_rows=many(ref("PlanRow")),
    minutes=obj(
        body=STR,
        meeting_no=STR,
        date=null(DAY),
        venue=STR,
        started_at=null(STR),
        ended_at=null(STR),
        attendance=obj(count=INT, by_sector=many(obj(label=STR, count=INT)), named=many(STR)),
        absent=STR,
        attending=STR,
        agenda=many(obj(no=STR, heading=STR, body=many(STR), resolution=null(STR))),
        recorder=STR,
    ),
    follow_up=many(
        obj(
            id=ID,
            proposal_id=null(ID),
            clause=null(obj(item=INT, number=null(INT))),
            title=STR,
            community_owner=STR,
            agency_owner=STR,
            due=null(DAY),
            status=PROGRESS,
            status_label=STR,
            updates=many(obj(on=DAY, status=STR, status_label=STR, note=STR)),
        )
    ),
)
BRIEF_CHECK = obj(
    id=ID,
    clause_version=ID,
    outcome={"type": "string", "enum": ["adopted", "not_adopted"]},
    outcome_label=STR,
    total=INT,
    counts=ANSWER_COUNTS,
    counts_text=STR,
    by_sector=many(obj(key=STR, label=STR, answers=null(INT), counts=null(ANSWER_COUNTS), text=STR)),
    closed_at=null(WHEN),
)
BRIEF_CLAUSE = obj(
    "A resolution clause as the brief files it: its final text, level of agreement and reservations verbatim",
    id=ID,
    draft_no=null(INT),
    number=null(INT),
    text=STR,
    version=ID,
    status=CLAUSE_STATUS,
    lead_agency=STR,
    partners=many(STR),
    has_verb=BOOL,
    proposed_verb=STR,
    level={"type": ["string", "null"], "enum": ["consensus", "reservations", None]},
    level_label=STR,
    why={
        "type": ["string", "null"],
        "enum": ["blocked", "too_many_reservations", "no_answers", "not_checked", "removed", None],
    },
    why_label=STR,
    reservations=many(STR),
    objections=many(STR),
    comments=INT,
    check=null(BRIEF_CHECK),
    checks=many(BRIEF_CHECK),
    amendments=many(
        obj(
            id=ID,
            op=AMENDMENT_OP,
            op_label=STR,
            text=STR,
            reason=STR,
            status={"type": "string", "enum": ["proposed", "accepted", "rejected", "merged"]},
            status_label=STR,
            backers=INT,
        )
    ),
)
# One paste-ready row of the provincial plan per adopted or forwarded proposal (THAI-CONTEXT.md section 3).
PLAN_ROW: Schema = {
    "type": "object",
    "properties": {
        "proposal_id": ID,
        "ref": STR,
        "budget": null(NUM),
        **{
            key: STR
            for key in (
                "issue",
                "approach",
                "project",
                "rationale",
                "objectives",
                "targets",
                "indicators",
                "target_group",
                "area",
                "fiscal_years",
                "budget_source",
                "lead_agency",
                "partners",
                "national_fit",
                "agreement",
                "proposers_by_sector",
                "coordinator",
            )
        },
    },
    # Every column but the budget is text that says something; "not given by the staff" where it was left empty.
    "required": ["proposal_id", "ref", "project", "lead_agency", "budget"],
}

SESSION = obj(
    "A session, its themes and live counts",
    code=CODE,
    title=STR,
    phase=PHASE,
    assembly=obj(id=ID, title=STR),
    themes=many(obj(id=ID, name=STR)),
    counts=counts("participants", "proposals", "supports"),
    timer_ends_at=null(STR),
    spotlight_id=null(ID),
    slow_mode=INT,
)
PROPOSAL = obj(
    id=ID,
    title=STR,
    body=STR,
    theme_id=null(ID),
    status=STR,
    supports=null(INT),
    comments=INT,
    target_groups=many(STR),
    assisted=BOOL,
    credits=many(STR),
)
RESULT_ITEM = {
    **obj(
        id=ID,
        title=STR,
        theme_id=null(ID),
        external_id=null(STR),
        supports=INT,
        comments=INT,
        by_source=SOURCES,
        count=NUM,
        passes=null(BOOL),
        rank=ID,
    ),
    "description": "A ranked proposal or statement: `count` is the one figure it ranks by, `by_source` splits it; "
    "the method adds its own figures (dots, backers, mean and median, agree and disagree, ...)",
}
GROUP_FIGURES = obj(
    key=STR,
    label=STR,
    joined=INT,
    voters=INT,
    figures={"type": "object", "additionalProperties": null(NUM), "description": "by proposal id"},
)
RESULTS = {
    "description": "A round's results, ranked; while hidden from the caller, `hidden: true` and no figures",
    "type": "object",
    "properties": {
        "code": CODE,
        "phase": PHASE,
        "round": null(ref("Round")),
        "method": STR,
        "method_label": STR,
        "voters": null(INT),
        "quorum": INT,
        "quorum_met": null(BOOL),
        "sources": obj(phone=STR, assisted=STR, paper=STR),
        "hidden": BOOL,
        "items": many(RESULT_ITEM),
        "groups": obj(
            by=STR,
            min_size=INT,
            figure=STR,
            groups=many(GROUP_FIGURES),
            withheld=obj(groups=INT, voters=INT),
            paper_marks=INT,
        ),
    },
    "required": ["code", "phase", "round", "method", "hidden", "items"],
}
ROUND = obj(id=ID, method=METHOD, title=STR, options=ROUND_OPTIONS, is_open=BOOL, revealed=BOOL)
CHECK = obj(
    "A consensus check's result, live",
    id=ID,
    clause_id=ID,
    is_open=BOOL,
    outcome=OUTCOME,
    **CHECK_RESULT_FIELDS,
)
OPINION_MAP = obj(
    "Opinion groups, consensus, representative statements, group-informed consensus",
    code=CODE,
    computed_at=NUM,
    compute_seconds=NUM,
    marks=INT,
    participants_in_map=INT,
    groups=many(obj(id=INT, size=INT, centre=many(NUM), members=many(obj(participant_id=ID, external_id=null(STR))))),
    consensus=obj(
        agree=many(obj(statement_id=ID, p_success=NUM, p_test=NUM)),
        disagree=many(obj(statement_id=ID, p_success=NUM, p_test=NUM)),
    ),
    representative={
        "type": "object",
        "additionalProperties": many(obj(statement_id=ID, direction=STR, repness=NUM, repness_test=NUM, p_success=NUM)),
    },
    group_informed_consensus={"type": "object", "additionalProperties": NUM},
    divisiveness={"type": "object", "additionalProperties": NUM},
)
CRITERIA = obj(criteria=many(obj(id=ID, name=STR, description=STR)))
SCORES = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5}}
JOINING = obj(
    open=BOOL,
    rotate_minutes=null(INT),
    door_code=null(STR),
    joins_per_minute=many(INT),
    top_addresses=many(obj(address=STR, joins=INT, last_minute=INT, burst=BOOL)),
)
ME = {
    "description": "Everything stored about the caller: a staff account, or a participant's data and contributions",
    "oneOf": [
        obj(staff=obj(id=ID, email=STR, display_name=STR, role=STR, created_at=WHEN)),
        obj(
            participant=obj(
                id=ID,
                display_name=STR,
                subdistrict_code=STR,
                subdistrict=STR,
                sector=STR,
                organization=STR,
                consent_at=null(WHEN),
                joined_at=WHEN,
            ),
            session=obj(code=CODE, title=STR),
            proposals=many(obj(id=ID, kind=STR, title=STR, body=STR, status=STR, created_at=WHEN)),
            comments=many(obj(id=ID, proposal_id=ID, stance=STR, body=STR, hidden=BOOL, created_at=WHEN)),
            supports=many(obj(proposal_id=ID, title=STR, created_at=WHEN)),
            votes=many(obj(round_id=ID, proposal_id=null(ID), title=STR, value=null(INT), source=STR, created_at=WHEN)),
            pledges=many(
                obj(id=ID, proposal_id=ID, who=STR, role=STR, what=STR, due=null(DAY), credited=BOOL, created_at=WHEN)
            ),
            amendments=many(obj(id=ID, clause_id=ID, op=STR, text=STR, reason=STR, status=STR, created_at=WHEN)),
            clause_comments=many(obj(id=ID, clause_id=ID, body=STR, created_at=WHEN)),
            backed_amendments=many(obj(amendment_id=ID, created_at=WHEN)),
            check_answers=many(obj(check_id=ID, answer=STR, reason=STR, created_at=WHEN)),
            delegate_of=many(obj(network=STR)),
        ),
    ],
}
FOLLOW_UP = obj(
    "What became of an assembly's adopted and forwarded proposals and clauses (no names)",
    assembly=obj(id=ID, title=STR),
    proposals=many(
        obj(
            id=ID,
            session=CODE,
            title=STR,
            theme=STR,
            answer=null(ref("Answer")),
            commitments=many(obj(id=ID, proposal_id=ID, kind=STR, role=STR, what=STR, due=null(DAY), credited=BOOL)),
            action_items=many(ref("ActionItem")),
        )
    ),
    clauses=many(
        obj(
            item=STR,
            number=INT,
            text=STR,
            lead_agency=STR,
            reservations=many(STR),
            action_items=many(ref("ActionItem")),
        )
    ),
    chain_heads=many(obj(session=CODE, seq=INT, hash=HASH)),
)

PROVINCE_PLAN = obj(
    "A province's current development plan: its issues (ประเด็นการพัฒนา), numbered, each with its approaches",
    province_code={"type": "string", "pattern": "^[0-9]{2}$"},
    title=STR,
    period=STR,
    issues=many(obj(number=INT, name=STR, approaches=many(STR))),
    updated_at=null(WHEN),
)

COMPONENTS: dict[str, Schema] = {
    "ProvincePlan": PROVINCE_PLAN,
    "Error": {
        "type": "object",
        "properties": {"error": STR, "message": STR, "field": STR},
        "required": ["error", "message"],
    },
    "Me": ME,
    "IssuedLink": ISSUED_LINK,
    "SignedIn": SIGNED_IN,
    "Removed": REMOVED,
    "Grant": obj(id=ID, assembly_id=ID, email=STR, display_name=STR, role=STR, created_at=WHEN),
    "ProvinceGrant": obj(id=ID, email=STR, province_code=STR, created_at=WHEN),
    "Session": SESSION,
    "Joining": JOINING,
    "Proposal": PROPOSAL,
    "Round": ROUND,
    "Results": RESULTS,
    "OpinionMap": OPINION_MAP,
    "Criteria": CRITERIA,
    "Answer": ANSWER,
    "ActionItem": ACTION_ITEM,
    "FollowUp": FOLLOW_UP,
    "Clause": CLAUSE_BRIEF,
    "Check": CHECK,
    "Resolution": RESOLUTION,
    "ResolutionClause": RESOLUTION_CLAUSE,
    "Brief": BRIEF,
    "BriefProposal": BRIEF_PROPOSAL,
    "BriefClause": BRIEF_CLAUSE,
    "PlanRow": PLAN_ROW,
}


def items_of(name: str) -> Schema:
    return obj(items=many(ref(name)))


# The JSON each operation answers on success, by (path, method).
RESPONSES: dict[tuple[str, str], Schema] = {
    ("/api/v1/auth/token", "post"): obj(token=STR, role=STR),
    ("/api/v1/me", "get"): ref("Me"),
    ("/api/v1/me", "delete"): obj(erased={"const": True}, participant_id=ID),
    ("/api/v1/staff/invitations", "post"): ref("IssuedLink"),
    ("/api/v1/staff/invitations/{link_id}", "delete"): obj(id=ID, withdrawn={"const": True}),
    ("/api/v1/staff/province-grants", "get"): items_of("ProvinceGrant"),
    ("/api/v1/staff/province-grants", "post"): ref("ProvinceGrant"),
    ("/api/v1/staff/province-grants/{grant_id}", "delete"): ref("Removed"),
    ("/api/v1/provinces/{province_code}/plan", "get"): ref("ProvincePlan"),
    ("/api/v1/provinces/{province_code}/plan", "put"): ref("ProvincePlan"),
    ("/api/v1/assemblies/{assembly_id}/team", "get"): items_of("Grant"),
    ("/api/v1/assemblies/{assembly_id}/team", "post"): ref("Grant"),
    ("/api/v1/assemblies/{assembly_id}/team/{grant_id}", "delete"): ref("Removed"),
    ("/api/v1/staff/invitations/accept", "post"): ref("SignedIn"),
    ("/api/v1/staff/password-resets", "post"): ref("IssuedLink"),
    ("/api/v1/staff/password-resets/accept", "post"): ref("SignedIn"),
    ("/api/v1/sessions", "post"): obj(
        id=ID, code=CODE, join_url={"type": "string", "format": "uri"}, phase=PHASE, assembly_id=ID
    ),
    ("/api/v1/sessions/{code}", "get"): ref("Session"),
    ("/api/v1/sessions/{code}/phase", "post"): obj(code=CODE, phase=PHASE, slow_mode=INT),
    ("/api/v1/sessions/{code}/screen", "post"): obj(code=CODE, view=STR, spotlight_id=null(ID)),
    ("/api/v1/sessions/{code}/joining", "get"): ref("Joining"),
    ("/api/v1/sessions/{code}/joining", "post"): ref("Joining"),
    ("/api/v1/sessions/{code}/participants", "post"): obj(participant_id=ID, token=STR),
    ("/api/v1/sessions/{code}/proposals", "get"): items_of("Proposal"),
    ("/api/v1/sessions/{code}/proposals", "post"): obj(id=ID, status=STR),
    ("/api/v1/sessions/{code}/results", "get"): ref("Results"),
    ("/api/v1/sessions/{code}/rounds", "post"): ref("Round"),
    ("/api/v1/sessions/{code}/rounds/{round_id}/close", "post"): ref("Round"),
    ("/api/v1/sessions/{code}/rounds/{round_id}/reveal", "post"): ref("Round"),
    ("/api/v1/sessions/{code}/rounds/{round_id}/paper", "post"): obj(round_id=ID, rows=INT, sheets=INT),
    ("/api/v1/sessions/{code}/rankings", "post"): obj(order=many(ID)),
    ("/api/v1/sessions/{code}/statements", "post"): obj(id=ID, status=STR, text=STR),
    ("/api/v1/sessions/{code}/statements/next", "get"): obj(statement=null(obj(id=ID, text=STR))),
    ("/api/v1/sessions/{code}/opinion-map", "get"): ref("OpinionMap"),
    ("/api/v1/sessions/{code}/participants/{participant_id}/map", "post"): obj(
        participant_id=ID, on_map=BOOL, reason=STR
    ),
    ("/api/v1/assemblies/{assembly_id}/follow-up", "get"): ref("FollowUp"),
    ("/api/v1/assemblies/{assembly_id}/check-in", "post"): obj(code=CODE, title=STR, proposals=INT),
    ("/api/v1/sessions/{code}/items", "get"): ref("Resolution"),
    ("/api/v1/sessions/{code}/items", "post"): obj(id=ID, title=STR, clauses=many(ref("Clause"))),
    ("/api/v1/sessions/{code}/resolution-rules", "post"): obj(
        voters=STR,
        amenders=STR,
        max_reservation_share=NUM,
        sector_minimums={"type": "object", "additionalProperties": NUM},
    ),
    ("/api/v1/sessions/{code}/delegates", "post"): obj(participant_id=ID, network=STR),
    ("/api/v1/clauses/{clause_id}/amendments", "post"): obj(id=ID, op=STR, base_version=ID, status=STR),
    ("/api/v1/items/{item_id}", "post"): obj(id=ID, version=ID, title=STR),
    ("/api/v1/items/{item_id}/clauses", "post"): ref("Clause"),
    ("/api/v1/clauses/{clause_id}/draft", "post"): ref("Clause"),
    ("/api/v1/clauses/{clause_id}/merge", "post"): obj(clause=ref("Clause")),
    ("/api/v1/clauses/{clause_id}/comments", "post"): obj(id=ID, clause_id=ID, body=STR),
    ("/api/v1/assemblies/{assembly_id}/criteria", "get"): ref("Criteria"),
    ("/api/v1/assemblies/{assembly_id}/criteria", "post"): ref("Criteria"),
    ("/api/v1/proposals/{proposal_id}/screening", "post"): obj(proposal_id=ID, scores=SCORES, total=INT),
    ("/api/v1/sessions/{code}/screening", "get"): obj(
        criteria=many(obj(id=ID, name=STR, description=STR)),
        proposals=many(obj(id=ID, title=STR, scores=SCORES, total=INT)),
    ),
    ("/api/v1/clauses/{clause_id}/checks", "post"): obj(id=ID, clause_id=ID, clause_version=ID),
    ("/api/v1/amendments/{amendment_id}/backers", "post"): obj(id=ID, backers=INT),
    ("/api/v1/amendments/{amendment_id}/decision", "post"): obj(clause=ref("Clause")),
    ("/api/v1/checks/{check_id}", "get"): ref("Check"),
    ("/api/v1/checks/{check_id}/answers", "post"): obj(check_id=ID, answer=CHECK_ANSWER),
    ("/api/v1/checks/{check_id}/close", "post"): obj(outcome=OUTCOME, **CHECK_RESULT_FIELDS),
    ("/api/v1/proposals/{proposal_id}/answer", "post"): ref("Answer"),
    ("/api/v1/proposals/{proposal_id}/commitments", "post"): obj(
        id=ID, proposal_id=ID, kind=STR, who=STR, role=PLEDGE_ROLE, what=STR, due=null(DAY), credited=BOOL
    ),
    ("/api/v1/proposals/{proposal_id}/action-items", "post"): ref("ActionItem"),
    ("/api/v1/action-items/{item_id}/updates", "post"): obj(item_id=ID, on=DAY, status=PROGRESS, note=STR),
    ("/api/v1/proposals/{proposal_id}/votes", "post"): obj(proposal_id=ID, method=STR, value=INT, stored=BOOL),
    ("/api/v1/proposals/{proposal_id}/comments", "post"): obj(
        id=ID, stance={"type": "string", "enum": ["for", "against", "note"]}, proposal_id=ID
    ),
    ("/api/v1/proposals/{proposal_id}/support", "post"): obj(
        proposal_id=ID, supported=BOOL, changed=BOOL, supports=null(INT)
    ),
    ("/api/v1/proposals/{proposal_id}/support", "delete"): obj(
        proposal_id=ID, supported=BOOL, changed=BOOL, supports=null(INT)
    ),
    ("/api/v1/proposals/{proposal_id}/moderation", "post"): obj(id=ID, status=STR, merged_into=null(ID)),
    ("/api/v1/comments/{comment_id}/moderation", "post"): obj(id=ID, proposal_id=ID, hidden=BOOL, hidden_reason=STR),
}

# Writes that answer 200 instead of 201 when there was nothing to change (a second support, a second backing).
UNCHANGED = {("/api/v1/proposals/{proposal_id}/support", "post"), ("/api/v1/amendments/{amendment_id}/backers", "post")}

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACHMENT: Schema = {"type": "string", "pattern": '^attachment; filename="[^"/]+"$'}


def file(media_type: str) -> Schema:
    """A file's bytes (OpenAPI 3.1: a string whose content is of that media type)."""
    return {"type": "string", "contentMediaType": media_type}


# The files a download answers, by media type; JSON ones carry their schema.
DOWNLOADS: dict[tuple[str, str], dict[str, Schema]] = {
    ("/api/v1/sessions/{code}/brief.{fmt}", "get"): {
        "application/json": ref("Brief"),
        PDF: file(PDF),
        DOCX: file(DOCX),
        XLSX: file(XLSX),
        "text/csv": {
            "type": "string",
            "description": "One sheet (?sheet=, proposals by default), UTF-8 with a byte-order mark",
        },
        "text/markdown": {"type": "string"},
    },
    ("/api/v1/sessions/{code}/minutes.{fmt}", "get"): {PDF: file(PDF), DOCX: file(DOCX)},
    ("/api/v1/sessions/{code}/resolution.{fmt}", "get"): {
        "application/json": ref("Resolution"),
        PDF: file(PDF),
        DOCX: file(DOCX),
    },
}
