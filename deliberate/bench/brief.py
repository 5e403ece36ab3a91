"""Brief benchmark: build and render the brief of a big session.

    python -m deliberate.bench.brief              # 1,000 proposals, 100,000 supports, 5,000 comments
    python -m deliberate.bench.brief --proposals 200 --votes 20000 --comments 1000

Seeds a fresh SQLite file (or the database in DATABASE_URL) with one session of that size, in bulk, then
times building the brief dictionary and rendering each format, and prints one JSON line: seconds per step,
output sizes, page count of the PDF, and the process' peak resident memory after each step.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

WORDS = (
    "ชุมชน ผู้สูงอายุ แหล่งน้ำ กองทุน สวัสดิการ อาสาสมัคร เด็กและเยาวชน การท่องเที่ยว ขยะ ป่าชายเลน ตลาด "
    "สุขภาพ ที่อยู่อาศัย แรงงานนอกระบบ คนพิการ การศึกษา ถนน ประปา เกษตรอินทรีย์ ประมงพื้นบ้าน"
).split()
THEMES = (
    "สวัสดิการชุมชน",
    "สุขภาพ",
    "แหล่งน้ำ",
    "การท่องเที่ยวโดยชุมชน",
    "ที่อยู่อาศัย",
    "สิ่งแวดล้อม",
    "เศรษฐกิจชุมชน",
    "การศึกษา",
    "ความปลอดภัย",
    "ระบบขนส่ง",
    "วัฒนธรรม",
)
SECTORS = ("community", "volunteer", "local_government", "government", "civil_society", "academia", "private")


def _sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def _rss_mb() -> float:
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def seed(n_proposals: int, n_votes: int, n_comments: int, n_people: int, seed_value: int = 1) -> str:
    """One session of the given size, written in bulk (the services would take minutes at this size)."""
    from deliberate.accounts.services import create_staff_user
    from deliberate.actors import Actor
    from deliberate.comments.models import Comment
    from deliberate.db import int_column
    from deliberate.outcomes.models import ProposalAnswer
    from deliberate.proposals.models import Proposal
    from deliberate.sessions import services as sessions
    from deliberate.sessions.models import Participant, Theme
    from deliberate.supports.models import Support

    rng = random.Random(seed_value)
    staff = Actor(
        staff=await create_staff_user(
            f"bench-{rng.randrange(10**9)}@bench.local", "facilitator", "bench password long enough"
        )
    )
    assembly = await sessions.create_assembly(
        staff,
        title="สมัชชาทดสอบขนาดใหญ่",
        themes=list(THEMES),
        province_code="83",
        venue="ศูนย์ประชุม",
        starts_on=dt.date.today().isoformat(),
    )
    session = await sessions.create_session(staff, assembly, title="เวทีทดสอบ")
    themes = list(await Theme.filter(assembly_id=assembly.id))
    await Participant.bulk_create(
        [
            Participant(
                session=session,
                display_name=f"ผู้เข้าร่วม {i}",
                sector=rng.choice(SECTORS),
                subdistrict_code=rng.choice(("830101", "830102", "830103", "830201", "830301")),
                token_hash=f"bench-{session.id}-{i}",
            )
            for i in range(n_people)
        ],
        batch_size=1000,
    )
    people = await int_column(Participant.filter(session_id=session.id), "id")
    await Proposal.bulk_create(
        [
            Proposal(
                session=session,
                theme=themes[i % len(themes)],
                author_id=rng.choice(people),
                title=_sentence(rng, 4)[:140],
                body=_sentence(rng, 30)[:2000],
            )
            for i in range(n_proposals)
        ],
        batch_size=500,
    )
    proposals = await int_column(Proposal.filter(session_id=session.id), "id")
    pairs: set[tuple[int, int]] = set()
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(proposals))]  # a few popular, a long tail
    while len(pairs) < min(n_votes, len(proposals) * len(people)):
        pairs.update(zip(rng.choices(proposals, weights, k=n_votes), rng.choices(people, k=n_votes), strict=True))
    await Support.bulk_create(
        [Support(proposal_id=p, participant_id=w) for p, w in list(pairs)[:n_votes]], batch_size=2000
    )
    await Comment.bulk_create(
        [
            Comment(
                proposal_id=rng.choice(proposals),
                author_id=rng.choice(people),
                stance=rng.choice(("for", "for", "against", "note")),
                body=_sentence(rng, 12),
            )
            for _ in range(n_comments)
        ],
        batch_size=1000,
    )
    await ProposalAnswer.bulk_create(
        [
            ProposalAnswer(
                proposal_id=p,
                state="adopted" if i % 3 else "forwarded",
                reason=_sentence(rng, 6),
                programme=_sentence(rng, 3),
                lead_agency="องค์การบริหารส่วนจังหวัด",
                budget=100000 * (i + 1),
            )
            for i, p in enumerate(proposals[:20])
        ],
        batch_size=500,
    )  # an assembly carries a handful
    return session.code


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    from deliberate.briefs import services
    from deliberate.briefs.build import build, content_hash
    from deliberate.db import migrate, tortoise_config
    from deliberate.sessions.models import Session
    from deliberate.settings import Settings

    url = os.environ.get("DATABASE_URL") or f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    settings = Settings(database_url=url)
    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings.db_url))
    out: dict[str, Any] = {"proposals": args.proposals, "votes": args.votes, "comments": args.comments}
    try:
        t = time.perf_counter()
        code = await seed(args.proposals, args.votes, args.comments, args.people)
        out["seed_s"] = round(time.perf_counter() - t, 2)
        session = await Session.get(code=code).prefetch_related("assembly")
        t = time.perf_counter()
        brief = await build(session, lang="th", base_url="http://localhost:8000")
        brief |= {"version": 1, "content_hash": content_hash(brief)}
        out["build_s"] = round(time.perf_counter() - t, 2)
        out["rss_after_build_mb"] = _rss_mb()
    finally:
        await Tortoise.close_connections()
    for fmt in args.formats:
        t = time.perf_counter()
        rendered = services.render(brief, fmt)
        out[f"{fmt}_s"] = round(time.perf_counter() - t, 2)
        out[f"{fmt}_kb"] = round(len(rendered.body) / 1024)
        out[f"peak_after_{fmt}_mb"] = _peak_mb()
        if fmt == "pdf":
            from io import BytesIO

            from pypdf import PdfReader

            out["pdf_pages"] = len(PdfReader(BytesIO(rendered.body)).pages)
    out["peak_rss_mb"] = _peak_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument(
        "--formats",
        nargs="+",
        default=["json", "xlsx", "md", "docx", "pdf"],
        choices=["json", "xlsx", "csv", "md", "docx", "pdf"],
    )
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
