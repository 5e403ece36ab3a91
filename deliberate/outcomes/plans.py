"""The province's development plan (แผนพัฒนาจังหวัด) that answers are mapped onto: read by anyone answering,
kept by administrators. The plan is stored as its issues in order, each with its approaches (แนวทาง)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from deliberate.accounts.grants import _require_admin, clean_province
from deliberate.actors import Actor
from deliberate.errors import ValidationError
from deliberate.i18n import N_
from deliberate.outcomes.models import ProvincePlan
from deliberate.text import clean_text

MAX_ISSUES = 30
MAX_APPROACHES = 30
NAME_MAX = 300


async def province_plan(province_code: str) -> ProvincePlan | None:
    if not province_code:
        return None
    return await ProvincePlan.get_or_none(province_code=province_code)


def parse_plan_text(text: object) -> list[dict[str, Any]]:
    """The desk's plain-text form: one development issue a line, its approaches below it on lines that start
    with "-"."""
    issues: list[dict[str, Any]] = []
    for raw in str(text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("-", "•", "*")):
            if not issues:
                raise ValidationError(
                    N_("An approach (a line starting with “-”) must come under a development issue."), field="issues"
                )
            issues[-1]["approaches"].append(line.lstrip("-•* ").strip())
        else:
            issues.append({"name": line, "approaches": []})
    return issues


def plan_text(plan: ProvincePlan | None) -> str:
    if plan is None:
        return ""
    return "\n".join(
        "\n".join([issue["name"], *(f"- {a}" for a in issue.get("approaches", []))]) for issue in plan.issues
    )


def _clean_issues(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(N_("Please give at least one development issue."), field="issues")
    if len(value) > MAX_ISSUES:
        raise ValidationError(N_("A plan can have at most {n} development issues."), field="issues", n=MAX_ISSUES)
    issues: list[dict[str, Any]] = []
    for entry in value:
        if not isinstance(entry, dict):
            raise ValidationError(N_("Each development issue needs a name and a list of approaches."), field="issues")
        name = clean_text(entry.get("name"), field="issues", max_length=NAME_MAX)
        raw = entry.get("approaches", [])
        if not isinstance(raw, list) or len(raw) > MAX_APPROACHES:
            raise ValidationError(
                N_("Each development issue can have at most {n} approaches."), field="issues", n=MAX_APPROACHES
            )
        approaches = [clean_text(a, field="issues", max_length=NAME_MAX) for a in raw]
        if not approaches:
            raise ValidationError(N_("Please give at least one approach under “{issue}”."), field="issues", issue=name)
        if len(set(approaches)) != len(approaches):
            raise ValidationError(N_("“{issue}” lists the same approach twice."), field="issues", issue=name)
        issues.append({"name": name, "approaches": approaches})
    if len({i["name"] for i in issues}) != len(issues):
        raise ValidationError(N_("The plan lists the same development issue twice."), field="issues")
    return issues


async def save_plan(
    actor: Actor, province_code: object, *, title: object, period: object, issues: object
) -> ProvincePlan:
    """Enter or replace a province's current plan (administrators). Answers keep the words they chose."""
    admin = _require_admin(actor)
    province = clean_province(province_code)
    values: dict[str, Any] = {
        "title": clean_text(title, field="title", max_length=300),
        "period": clean_text(period, field="period", max_length=20, required=False),
        "issues": _clean_issues(issues),
    }
    async with in_transaction():
        plan = await ProvincePlan.filter(province_code=province).select_for_update().first()
        if plan is None:
            plan = await ProvincePlan.create(province_code=province, updated_by=admin, **values)
        else:
            await plan.update_from_dict(values | {"updated_by_id": admin.id}).save()
    return plan


def plan_json(plan: ProvincePlan) -> dict[str, Any]:
    return {
        "province_code": plan.province_code,
        "title": plan.title,
        "period": plan.period,
        "issues": [{"number": n, **issue} for n, issue in enumerate(plan.issues, start=1)],
        "updated_at": plan.updated_at.isoformat(timespec="seconds") if plan.updated_at else None,
    }


def issue_number(plan: ProvincePlan | None, name: str) -> int | None:
    if plan is None:
        return None
    return next((n for n, i in enumerate(plan.issues, start=1) if i["name"] == name), None)
