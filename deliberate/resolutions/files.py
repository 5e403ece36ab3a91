"""A session's resolution as a file to file: JSON, PDF or DOCX, for the assembly's facilitators and officials.

One service for both faces: the API's `/api/v1/sessions/{code}/resolution.{fmt}` (bearer token) and the staff
pages' `/staff/s/{code}/resolution.{fmt}` (the browser's sign-in), so an official reaches it either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from deliberate.actors import Actor, require_steward
from deliberate.briefs.services import clean_format, in_background
from deliberate.resolutions import render
from deliberate.resolutions.export import resolution_json
from deliberate.sessions.models import Session

RESOLUTION_FORMATS = {
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class ResolutionFile:
    body: bytes
    media_type: str
    filename: str


async def resolution_file(actor: Actor, session: Session, fmt: object, *, thai_digits: bool = True) -> ResolutionFile:
    await require_steward(actor, session.assembly_id)
    clean = clean_format(fmt if isinstance(fmt, str) else "", RESOLUTION_FORMATS)
    data = await resolution_json(session)
    if clean == "json":
        body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    else:
        make = render.resolution_pdf if clean == "pdf" else render.resolution_docx
        body = await in_background(make, data, thai_digits=thai_digits)
    return ResolutionFile(body, RESOLUTION_FORMATS[clean], f"resolution-{session.code}.{clean}")
