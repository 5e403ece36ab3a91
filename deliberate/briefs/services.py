"""Build a session's brief once, keep it as a numbered version, render it in the format asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from tortoise.exceptions import IntegrityError

from deliberate.actors import Actor, require_steward
from deliberate.briefs.build import build, content_hash
from deliberate.briefs.models import Brief
from deliberate.errors import Conflict, NotFound
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.resolutions.models import AgendaItem
from deliberate.sessions.models import Session

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
}
MINUTES_FORMATS = ("pdf", "docx")
LANGUAGES = ("th", "en")


# Laying out a PDF takes a core for a second or more: one document at a time, off the event loop, so a
# download never stalls the live room.
_render_lock = asyncio.Lock()


async def in_background(render_fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    async with _render_lock:
        return await run_in_threadpool(render_fn, *args, **kwargs)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    filename: str


def clean_format(fmt: str, allowed: tuple[str, ...] | dict[str, str]) -> str:
    if fmt not in allowed:
        raise NotFound(
            N_("There is no “{fmt}” format. Choose one of: {formats}."),
            field="format",
            fmt=fmt[:10],
            formats=", ".join(allowed),
        )
    return fmt


async def current_brief(actor: Actor, session: Session, *, lang: str = "th", base_url: str = "") -> dict[str, Any]:
    """The session's brief as it stands, stored as a new version only when its content changed."""
    staff = await require_steward(actor, session.assembly_id)
    lang = lang if lang in LANGUAGES else "th"
    if not await has_findings(session):
        raise Conflict(
            N_(
                "There is nothing to put in a brief yet: the session has no published proposals or statements "
                "and no resolution items."
            )
        )
    data = await build(session, lang=lang, base_url=base_url)
    digest = content_hash(data)
    for _ in range(3):  # two officials downloading at once both try the next version number
        latest = await Brief.filter(session_id=session.id, language=lang).order_by("-version").first()
        if latest is not None and latest.content_hash == digest:
            return latest.data
        version = (latest.version if latest else 0) + 1
        data |= {"version": version, "content_hash": digest}
        try:
            await Brief.create(
                session=session, language=lang, version=version, content_hash=digest, data=data, created_by=staff
            )
            return data
        except IntegrityError:
            continue
    raise Conflict(N_("The brief is being built by someone else right now. Please try again."))


async def has_findings(session: Session) -> bool:
    """A brief can be made from proposals, from statements (a Pol.is import too), or from resolution items
    alone (the National Health Assembly case)."""
    published = Proposal.filter(
        session_id=session.id, kind__in=("proposal", "statement"), status=ProposalStatus.PUBLISHED
    )
    return await published.exists() or await AgendaItem.exists(session_id=session.id)


def render(
    brief: dict[str, Any], fmt: str, *, thai_digits: bool = True, sheet: str = "proposals", memo: bool = False
) -> Rendered:
    import json

    stem = f"brief-{brief['session']['code']}-v{brief['version']}"
    if fmt == "pdf":
        from deliberate.briefs.render_pdf import brief_pdf

        body = brief_pdf(brief, thai_digits=thai_digits)
    elif fmt == "docx":
        from deliberate.briefs.render_docx import brief_docx

        body = brief_docx(brief, thai_digits=thai_digits, memo=memo)
    elif fmt == "xlsx":
        from deliberate.briefs.render_tables import brief_xlsx

        body = brief_xlsx(brief)
    elif fmt == "csv":
        from deliberate.briefs.render_tables import CSV_SHEETS, brief_csv

        sheet = clean_format(sheet, CSV_SHEETS)
        body, stem = brief_csv(brief, sheet), f"{stem}-{sheet}"
    elif fmt == "md":
        from deliberate.briefs.render_md import brief_markdown

        body = brief_markdown(brief, thai_digits=thai_digits).encode()
    else:
        body = json.dumps(brief, ensure_ascii=False, indent=1).encode()
    return Rendered(body, FORMATS[fmt], f"{stem}.{fmt}")


def render_minutes(brief: dict[str, Any], fmt: str, *, thai_digits: bool = True) -> Rendered:
    stem = f"minutes-{brief['session']['code']}-v{brief['version']}"
    if fmt == "pdf":
        from deliberate.briefs.render_pdf import minutes_pdf

        return Rendered(minutes_pdf(brief, thai_digits=thai_digits), FORMATS["pdf"], f"{stem}.pdf")
    from deliberate.briefs.render_docx import minutes_docx

    return Rendered(minutes_docx(brief, thai_digits=thai_digits), FORMATS["docx"], f"{stem}.docx")
