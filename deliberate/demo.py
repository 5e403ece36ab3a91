"""The Phuket demo: seed a realistic assembly, print the links, serve it, and optionally make the room
come alive with simulated participants.

    deliberate demo --port 8000 --simulate 5

Seeding is idempotent: the demo facilitator, the assembly and its session are reused when they exist. The
facilitator's password is printed when the account is made; later runs leave the account as it is and print
a one-hour link to set a new password instead. It refuses DELIBERATE_ENV=production unless told --force.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import socket
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import click
import geothai

from deliberate.settings import Settings

if TYPE_CHECKING:
    import httpx

    from deliberate.accounts.models import StaffUser
    from deliberate.actors import Actor
    from deliberate.sessions.models import Session

DEMO_EMAIL = "facilitator@demo.local"
DEMO_FACILITATOR_NAME = "วิทยากรกระบวนการ (สาธิต)"
ASSEMBLY_TITLE = "ร้อยขบวนชุมชนคนภูเก็ต"
ASSEMBLY_SUBTITLE = "สมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต"
PROVINCE = "83"
VENUE = "หอประชุมองค์การบริหารส่วนจังหวัดภูเก็ต อำเภอเมืองภูเก็ต"
SESSION_TITLE = "เวทีระดมข้อเสนอ"
THEMES = [
    "การจัดการทรัพยากรและสิ่งแวดล้อมอย่างยั่งยืนและเป็นธรรม",
    "การท่องเที่ยวโดยชุมชน",
    "สวัสดิการชุมชน",
    "ความปลอดภัยในชีวิต",
    "อาชีพและรายได้",
    "แหล่งน้ำ",
    "ที่อยู่อาศัย",
    "ระบบขนส่งมวลชน",
    "สุขภาพ",
    "ภาษาและภูมิปัญญาวัฒนธรรม",
    "การมีส่วนร่วมกำหนดอนาคตจังหวัด",
]


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    subdistrict: str  # a Phuket ตำบล code (83xxxx)
    sector: str  # a key of sessions.vocab.SECTORS
    organization: str = ""


@dataclass(frozen=True)
class Idea:
    author: str  # Person.key
    theme: int  # index into THEMES
    title: str
    body: str
    target_groups: tuple[str, ...]


PEOPLE = [
    Person("jim", "ป้าจิ๋ม", "830304", "community", "กลุ่มอนุรักษ์ป่าชายเลนบ้านบางโรง"),
    Person("tee", "เฮียตี๋", "830101", "community", "ชุมชนย่านเมืองเก่าภูเก็ต"),
    Person("nok", "พี่นก", "830202", "volunteer", "อาสาสมัครพัฒนาสังคม (อพม.) ป่าตอง"),
    Person("man", "บังหมาน", "830107", "community", "ชุมชนชาวเลหาดราไวย์"),
    Person("koi", "ก้อย", "830106", "private", "วิสาหกิจชุมชนผ้าบาติกฉลอง"),
    Person("perm", "ลุงเพิ่ม", "830302", "local_government", "เทศบาลตำบลศรีสุนทร"),
    Person("soi", "ยายสร้อย", "830107", "community", "สภาองค์กรชุมชนตำบลราไวย์"),
    Person("mind", "น้องมายด์", "830201", "civil_society", "สภาเด็กและเยาวชนอำเภอกะทู้"),
    Person("daeng", "พี่แดง", "830105", "volunteer", "ชมรมผู้สูงอายุตำบลวิชิต"),
    Person("a", "ครูเอ", "830102", "academia", "โรงเรียนในเขตเทศบาลนครภูเก็ต"),
    Person("mee", "พี่หมี", "830303", "community", "สภาองค์กรชุมชนตำบลเชิงทะเล"),
    Person("noi", "น้าหน่อย", "830103", "local_government", "องค์การบริหารส่วนตำบลเกาะแก้ว"),
    Person("oat", "โอ๊ต", "830108", "private", "ชมรมผู้ประกอบการรายย่อยกะรน"),
    Person("prae", "แพร", "830203", "civil_society", "มูลนิธิเพื่อการพัฒนาเด็ก"),
    Person("wang", "ลุงหวัง", "830305", "community", "กลุ่มประมงพื้นบ้านไม้ขาว"),
    Person("na", "เจ๊ะนะ", "830306", "government", "โรงพยาบาลส่งเสริมสุขภาพตำบลสาคู"),
]

IDEAS = [
    Idea(
        "jim",
        0,
        "ตั้งกองทุนชุมชนดูแลป่าชายเลนคลองบางโรง",
        "ให้ชุมชนรอบป่าชายเลนร่วมกันปลูกและเฝ้าระวังการบุกรุก มีกองทุนเล็ก ๆ จากรายได้ท่องเที่ยวล่องเรือมาจ่ายค่าตอบแทนอาสาสมัครลาดตระเวน",
        ("everyone",),
    ),
    Idea(
        "noi",
        0,
        "ธนาคารขยะและคัดแยกขยะจากต้นทางทุกหมู่บ้าน",
        "ขยะบนเกาะล้นบ่อฝังกลบทุกปี เสนอให้ทุกหมู่บ้านมีธนาคารขยะ รับซื้อขยะรีไซเคิลเข้ากองทุนสวัสดิการและแยกขยะอินทรีย์ทำปุ๋ยให้แปลงผักชุมชน",
        ("everyone", "elderly"),
    ),
    Idea(
        "tee",
        1,
        "เส้นทางท่องเที่ยวเมืองเก่าที่คนในชุมชนเป็นผู้เล่าเรื่อง",
        "ฝึกลูกหลานในย่านเมืองเก่าเป็นมัคคุเทศก์ท้องถิ่น พานักท่องเที่ยวเดินชมตึกแถวชิโนโปรตุกีสร้านอาหารพื้นถิ่น และแบ่งรายได้ส่วนหนึ่งเข้ากองทุนชุมชน",
        ("children_youth", "elderly"),
    ),
    Idea(
        "nok",
        2,
        "ขยายกองทุนสวัสดิการชุมชนให้ครอบคลุมแรงงานนอกระบบในพื้นที่ท่องเที่ยว",
        "คนขับรถรับจ้าง แม่ค้าริมหาด พนักงานนวดส่วนใหญ่ไม่มีประกันสังคม ช่วงโควิดไม่มีอะไรรองรับเลย "
        "อยากให้สมัครเป็นสมาชิกกองทุนวันละบาทได้ง่าย ๆ ผ่านมือถือ",
        ("workers", "disadvantaged"),
    ),
    Idea(
        "man",
        3,
        "อาสาสมัครเฝ้าระวังชายหาดและจุดเสี่ยงจมน้ำ",
        "ช่วงมรสุมมีคนจมน้ำทุกปี เสนอให้คนชาวเลที่รู้จักคลื่นและกระแสน้ำเป็นอาสาสมัครกู้ภัยทางทะเล มีอุปกรณ์ชูชีพและป้ายเตือนหลายภาษา",
        ("children_youth", "everyone"),
    ),
    Idea(
        "koi",
        4,
        "ตลาดชุมชนสุดสัปดาห์สำหรับสินค้าท้องถิ่นของกลุ่มแม่บ้าน",
        "ขอพื้นที่สาธารณะใกล้แหล่งท่องเที่ยวจัดตลาดทุกเสาร์อาทิตย์ ขายผ้าบาติก ขนมพื้นเมือง และผลิตภัณฑ์จากกลุ่มอาชีพ โดยไม่ต้องเสียค่าเช่าแพง",
        ("women", "disadvantaged"),
    ),
    Idea(
        "perm",
        5,
        "ฟื้นฟูขุมเหมืองเก่าเป็นแหล่งน้ำสำรองหน้าแล้ง",
        "ภูเก็ตมีขุมเหมืองแร่ดีบุกเก่าหลายแห่ง ถ้าสำรวจคุณภาพน้ำและทำระบบสูบส่งให้ชุมชน จะช่วยเรื่องน้ำประปาไม่พอช่วงเมษายนได้มาก",
        ("everyone",),
    ),
    Idea(
        "soi",
        6,
        "บ้านมั่นคงสำหรับชุมชนชาวเลที่ยังไม่มีเอกสารสิทธิ์",
        "ชาวเลอยู่ที่นี่มาหลายชั่วอายุคนแต่ยังถูกฟ้องขับไล่ อยากให้จังหวัดร่วมกับ พอช. จัดที่ดินและสินเชื่อบ้านมั่นคง ให้ลูกหลานมีที่อยู่อาศัยถาวร",
        ("disadvantaged", "elderly"),
    ),
    Idea(
        "mind",
        7,
        "รถโดยสารประจำทางเชื่อมชุมชนกับโรงเรียนและโรงพยาบาล",
        "เด็กและผู้สูงอายุในกะทู้ต้องจ้างรถรับจ้างราคาแพงเพื่อไปโรงเรียนหรือหาหมอ "
        "เสนอรถเล็กวิ่งเป็นรอบเช้าเย็น ราคาเป็นธรรม และขึ้นลงได้สำหรับวีลแชร์",
        ("children_youth", "elderly", "disabled"),
    ),
    Idea(
        "daeng",
        8,
        "ศูนย์ดูแลผู้สูงอายุติดบ้านติดเตียงโดยชุมชน",
        "อบรมอาสาสมัครในชุมชนเป็นผู้ดูแล ให้มีจุดยืมอุปกรณ์ เช่น เตียงลม รถเข็น และเยี่ยมบ้านร่วมกับ รพ.สต. ทุกสัปดาห์",
        ("elderly", "disabled"),
    ),
    Idea(
        "a",
        9,
        "สอนภาษาและวัฒนธรรมบาบ๋าเพอรานากันในโรงเรียน",
        "ให้ผู้รู้ในชุมชนมาสอนเด็ก ๆ เรื่องภาษาถิ่น อาหาร การแต่งกาย และประเพณีถือศีลกินผัก เป็นหลักสูตรท้องถิ่น ก่อนที่ภูมิปัญญาจะหายไป",
        ("children_youth",),
    ),
    Idea(
        "mee",
        10,
        "สภาองค์กรชุมชนร่วมจัดทำแผนพัฒนาจังหวัดทุกปี",
        "ให้ข้อเสนอจากเวทีสมัชชานี้เข้าสู่แผนพัฒนาจังหวัดจริง มีตัวแทนชุมชนนั่งในคณะกรรมการ และรายงานความคืบหน้ากลับมาที่เวทีทุกปี",
        ("everyone",),
    ),
]

COMMENTS = [  # (author key, proposal index in IDEAS, stance, body)
    ("wang", 0, "for", "เห็นด้วยครับ ป่าชายเลนคือแหล่งอนุบาลสัตว์น้ำ ประมงพื้นบ้านได้ประโยชน์โดยตรง"),
    ("oat", 0, "against", "ดีครับ แต่เงินจากท่องเที่ยวล่องเรือไม่แน่นอน ควรมีงบจาก อบจ. สมทบด้วย"),
    ("prae", 3, "for", "แรงงานนอกระบบในป่าตองมีเป็นหมื่นคน ถ้าสมัครผ่านมือถือได้จะเข้าถึงง่ายมาก"),
    ("perm", 3, "note", "เทศบาลช่วยประชาสัมพันธ์และรับสมัครที่สำนักงานได้ครับ"),
    ("jim", 6, "for", "หน้าแล้งปีที่แล้วรถน้ำมาไม่พอ ถ้ามีน้ำจากขุมเหมืองจะช่วยได้เยอะ"),
    ("na", 6, "against", "ต้องตรวจสารโลหะหนักก่อนนะคะ น้ำขุมเหมืองบางแห่งไม่ปลอดภัยสำหรับดื่ม"),
    ("tee", 7, "for", "ชาวเลเป็นคนดั้งเดิมของภูเก็ต เรื่องที่ดินต้องแก้ให้จบ"),
    ("daeng", 8, "for", "ผู้สูงอายุในวิชิตไปโรงพยาบาลลำบากมาก ขอให้มีรอบเช้าด้วยค่ะ"),
    ("oat", 8, "against", "รถรับจ้างในพื้นที่อาจเดือดร้อน ควรชวนเขามาร่วมวิ่งรถสายนี้ด้วย"),
    ("na", 9, "for", "รพ.สต. สาคูยินดีร่วมเยี่ยมบ้านและอบรมผู้ดูแลค่ะ"),
    ("mind", 10, "for", "เยาวชนอยากเรียนค่ะ ตอนนี้หลายคนพูดภาษาถิ่นไม่ได้แล้ว"),
    ("koi", 11, "note", "ขอให้มีตัวแทนกลุ่มผู้หญิงและเยาวชนในคณะกรรมการด้วยค่ะ"),
    ("man", 4, "for", "ปีก่อนมีเด็กจมน้ำที่หาดใกล้บ้าน ผมยินดีเป็นอาสาครับ"),
]

# Supports given during the seeded "voting" moment: person key -> proposal indexes in IDEAS.
SUPPORTS = {
    "jim": [0, 1, 6],
    "tee": [2, 7, 9],
    "nok": [3, 8],
    "man": [4, 7, 0],
    "koi": [5, 3],
    "perm": [6, 1],
    "soi": [7, 3, 9],
    "mind": [8, 10, 2],
    "daeng": [9, 8],
    "a": [10, 2],
    "mee": [11, 7, 0],
    "noi": [1, 6],
    "oat": [5, 2],
    "prae": [3, 8, 9],
    "wang": [0, 4],
    "na": [9, 6, 3],
}

# -- simulation material ----------------------------------------------------------------------------------
SIM_NAMES = [
    "พี่ต้อม",
    "น้องฝ้าย",
    "ลุงชัย",
    "ป้าเล็ก",
    "บังดีน",
    "เจ๊หมวย",
    "ครูติ๋ม",
    "พี่โจ้",
    "น้องบีม",
    "ยายผิน",
    "พี่อ้อย",
    "ลุงเสริม",
    "น้องเฟิร์น",
    "พี่บอย",
    "ก๊ะเยาะ",
    "พี่ปุ้ม",
    "น้าแอ๊ด",
    "พี่ตุ่ม",
    "น้องแบงค์",
    "ป้าสมใจ",
]
SIM_COMMENTS_FOR = [
    "เห็นด้วยค่ะ ชุมชนเราเจอปัญหานี้เหมือนกัน",
    "สนับสนุนครับ ขอให้เริ่มนำร่องในตำบลของเราด้วย",
    "เป็นข้อเสนอที่ทำได้จริง ชาวบ้านพร้อมร่วมมือ",
    "เห็นด้วยมากค่ะ ลูกหลานจะได้ประโยชน์",
    "ดีครับ ควรมีงบประมาณต่อเนื่องทุกปี",
]
SIM_COMMENTS_AGAINST = [
    "ยังไม่แน่ใจครับ ใครจะเป็นคนดูแลระยะยาว",
    "ควรคิดเรื่องงบประมาณให้ชัดก่อนค่ะ",
    "กลัวว่าจะซ้ำกับโครงการของ อบต. ที่มีอยู่แล้ว",
]
SIM_COMMENTS_NOTE = [
    "ขอเสนอให้ประสานกับ พมจ. ภูเก็ตด้วยค่ะ",
    "กลุ่มของเรามีอาสาสมัครพร้อมช่วยครับ",
    "ควรมีตัวชี้วัดที่ชัดเจนและรายงานกลับมาที่เวที",
]
SIM_IDEAS = [  # (theme index, title, body, target groups)
    (2, "กองทุนฌาปนกิจสงเคราะห์ของชุมชน", "ช่วยค่าทำศพสมาชิกที่ยากจน ลดภาระหนี้ของครอบครัว", ["disadvantaged"]),
    (4, "ฝึกอาชีพทำอาหารพื้นเมืองภูเก็ตให้เยาวชน", "หมี่ฮกเกี้ยน โอ้เอ๋ว ขนมพื้นเมือง ขายนักท่องเที่ยวได้", ["children_youth"]),
    (0, "ห้ามใช้โฟมและพลาสติกครั้งเดียวบนชายหาด", "ร่วมกับผู้ประกอบการริมหาดลดขยะทะเล", ["everyone"]),
    (8, "คลินิกสุขภาพจิตเคลื่อนที่สำหรับแรงงานท่องเที่ยว", "ความเครียดจากรายได้ไม่แน่นอนสูงมาก", ["workers"]),
    (3, "ไฟส่องสว่างและกล้องวงจรปิดในซอยเปลี่ยว", "ผู้หญิงและเด็กกลับบ้านค่ำไม่ปลอดภัย", ["women", "children_youth"]),
    (5, "ถังเก็บน้ำฝนทุกครัวเรือน", "ลดการซื้อน้ำรถช่วงหน้าแล้ง", ["everyone"]),
    (7, "ทางเท้าและทางจักรยานที่ปลอดภัยในเมือง", "ให้คนพิการและผู้สูงอายุเดินทางได้", ["disabled", "elderly"]),
    (1, "โฮมสเตย์ชุมชนมาตรฐานเดียวกันทั้งเกาะ", "ให้รายได้ท่องเที่ยวถึงมือชาวบ้าน", ["everyone"]),
]


# -- seeding ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seeded:
    code: str
    email: str
    password: str | None  # None when the demo facilitator existed already: demo never changes an account
    phase: str
    created: bool
    reset_token: str | None = None  # then a one-hour link lets whoever runs the demo set a password


class DemoRefused(Exception):
    """The demo will not seed here; the message says why and what to do."""


async def _facilitator(password: str) -> tuple[StaffUser, bool]:
    """The demo facilitator, and whether it was made now. An account that exists is left exactly as it is: on a
    database where staff disabled or demoted it, the demo once quietly gave it back its power and a password."""
    from deliberate.accounts.models import Role, StaffUser
    from deliberate.accounts.services import create_staff_user

    user = await StaffUser.get_or_none(email=DEMO_EMAIL)
    if user is None:
        return await create_staff_user(DEMO_EMAIL, "facilitator", password, DEMO_FACILITATOR_NAME), True
    if not user.is_active or user.role not in (Role.FACILITATOR, Role.ADMIN):
        raise DemoRefused(
            f"{DEMO_EMAIL} exists on this database but is disabled or no longer a facilitator; "
            "the demo leaves staff accounts as they are. Use a database of its own (DATABASE_URL)."
        )
    return user, False


async def _seed_session(facilitator: StaffUser, session: Session) -> None:
    from deliberate.actors import Actor
    from deliberate.comments.services import add_comment
    from deliberate.proposals.services import get_proposal, submit_proposal
    from deliberate.sessions import services as sessions
    from deliberate.supports.services import add_support

    staff = Actor(staff=facilitator)
    themes = await sessions.themes_of(session)
    theme_by_name = {t.name: t for t in themes}
    await sessions.set_phase(staff, session, "ideas")
    actors: dict[str, Actor] = {}
    for p in PEOPLE:
        joined = await sessions.join_session(
            session,
            display_name=p.name,
            consent=True,
            subdistrict_code=p.subdistrict,
            sector=p.sector,
            organization=p.organization,
        )
        actors[p.key] = Actor(participant=joined.participant)
    proposal_ids: list[int] = []
    for idea in IDEAS:
        proposal = await submit_proposal(
            actors[idea.author],
            session,
            title=idea.title,
            body=idea.body,
            theme_id=theme_by_name[THEMES[idea.theme]].id,
            target_groups=list(idea.target_groups),
        )
        proposal_ids.append(proposal.id)
    for author, index, stance, body in COMMENTS:
        await add_comment(actors[author], await get_proposal(proposal_ids[index]), body=body, stance=stance)
    # Supports are only open while voting: open it for a moment, as a facilitator would, then go back.
    await sessions.set_phase(staff, session, "voting")
    for who, indexes in SUPPORTS.items():
        for index in indexes:
            await add_support(actors[who], await get_proposal(proposal_ids[index]))
    await sessions.set_phase(staff, session, "ideas")
    # Pol.is-style statements the room can agree or disagree with, and marks that start the opinion map.
    from deliberate.statements.services import write_statement
    from deliberate.voting.services import cast_vote

    statement_ids = [(await write_statement(staff, session, text=text)).id for text in STATEMENTS]
    for n, actor in enumerate(actors.values()):
        for i, sid in enumerate(statement_ids):
            if (n + i) % 4 != 3:  # not everyone answers everything
                leaning = 1 if n % 2 == 0 else -1
                value = leaning if i % 2 == 0 else (-leaning if i % 3 == 0 else 1)
                await cast_vote(actor, await get_proposal(sid), method="agree", value=value)
    await _seed_outcomes(staff, session, actors, proposal_ids)
    await _seed_resolution(staff, session, actors, proposal_ids)


# What the facilitator answered, who pledged and what was done: so the demo's brief, follow-up page and
# portal have something in every section. (proposal index, state, reason, programme, agency, partners, baht)
# Phuket's provincial development plan as the demo maps answers onto it. ILLUSTRATIVE: the issues and แนวทาง
# are written after the shape of a Thai provincial plan and Phuket's known concerns (quality tourism, a more
# varied economy, care for the old and the Chao Le, water in the dry season, waste, transport); they are not
# quoted from the plan the province adopted. An administrator replaces them at /staff/plans.
PLAN_TITLE = "แผนพัฒนาจังหวัดภูเก็ต พ.ศ. ๒๕๖๖-๒๕๗๐ (ฉบับทบทวน)"
PLAN_PERIOD = "2566-2570"
PLAN_ISSUES: list[dict[str, object]] = [
    {
        "name": "ยกระดับการท่องเที่ยวสู่การท่องเที่ยวคุณภาพระดับโลกอย่างยั่งยืน",
        "approaches": [
            "พัฒนาแหล่งท่องเที่ยว สินค้า และบริการให้ได้มาตรฐานสากล",
            "ส่งเสริมการท่องเที่ยวโดยชุมชนและกระจายรายได้สู่ท้องถิ่น",
            "เสริมสร้างความปลอดภัยและความเชื่อมั่นของนักท่องเที่ยว",
        ],
    },
    {
        "name": "พัฒนาเศรษฐกิจให้หลากหลาย มีมูลค่าสูง และทั่วถึง",
        "approaches": [
            "ส่งเสริมเศรษฐกิจฐานราก วิสาหกิจชุมชน และอาชีพของคนในพื้นที่",
            "พัฒนาเศรษฐกิจสุขภาพและเศรษฐกิจดิจิทัล",
        ],
    },
    {
        "name": "พัฒนาคุณภาพชีวิตและสังคมให้มั่นคง เป็นธรรม และไม่ทิ้งใครไว้ข้างหลัง",
        "approaches": [
            "พัฒนาระบบดูแลผู้สูงอายุ คนพิการ และกลุ่มเปราะบางโดยชุมชน",
            "ส่งเสริมที่อยู่อาศัยมั่นคงและคุณภาพชีวิตของชุมชนชาวเล",
            "พัฒนาการศึกษาและทักษะของคนทุกช่วงวัย",
            "เสริมสร้างความปลอดภัยในชีวิตและทรัพย์สิน",
        ],
    },
    {
        "name": "บริหารจัดการทรัพยากรธรรมชาติและสิ่งแวดล้อมอย่างสมดุลและยั่งยืน",
        "approaches": [
            "บริหารจัดการน้ำและพัฒนาแหล่งน้ำสำรอง",
            "จัดการขยะมูลฝอยและน้ำเสีย",
            "อนุรักษ์และฟื้นฟูทรัพยากรทางทะเลและชายฝั่ง",
        ],
    },
    {
        "name": "พัฒนาโครงสร้างพื้นฐาน ระบบขนส่ง และเมืองอัจฉริยะ",
        "approaches": ["พัฒนาระบบขนส่งสาธารณะที่ทั่วถึง", "พัฒนาเมืองอัจฉริยะและบริการภาครัฐดิจิทัล"],
    },
]

# The plan rows of the carried answers, by the proposal's index: what planning staff would write in.
PLAN_ROWS: dict[int, dict[str, object]] = {
    9: {
        "plan_issue": PLAN_ISSUES[2]["name"],
        "plan_approach": "พัฒนาระบบดูแลผู้สูงอายุ คนพิการ และกลุ่มเปราะบางโดยชุมชน",
        "rationale": "ผู้สูงอายุติดบ้านติดเตียงในตำบลวิชิตเพิ่มขึ้นทุกปี ลูกหลานต้องออกไปทำงาน ไม่มีผู้ดูแลในเวลากลางวัน",
        "objectives": "เพื่อให้ผู้สูงอายุที่อยู่ลำพังในเวลากลางวันได้รับการดูแลใกล้บ้านโดยชุมชน",
        "targets": "ศูนย์ดูแลผู้สูงอายุกลางวัน ๑ แห่ง รับผู้สูงอายุได้วันละ ๓๐ คน",
        "indicators": [
            {"name": "จำนวนผู้สูงอายุที่ได้รับการดูแล (คน)", "values": {"{y0}": "30", "{y1}": "45"}},
            {"name": "จำนวนอาสาสมัครผู้ดูแลที่ผ่านการอบรม (คน)", "values": {"{y0}": "20", "{y1}": "30"}},
        ],
        "target_group": "ผู้สูงอายุติดบ้านและผู้ดูแลในตำบลวิชิต",
        "area_codes": ["830105"],
        "fiscal_year_to": "{y1}",
        "budget_source": "local",
        "national_fit": "ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์; แผนพัฒนาฯ ฉบับที่ ๑๓ หมุดหมายที่ ๙ และ ๑๐",
        "coordinator": "ชมรมผู้สูงอายุตำบลวิชิต",
    },
    6: {
        "plan_issue": PLAN_ISSUES[3]["name"],
        "plan_approach": "บริหารจัดการน้ำและพัฒนาแหล่งน้ำสำรอง",
        "rationale": "หน้าแล้งน้ำประปาไม่พอใช้ ขณะที่ขุมเหมืองเก่าหลายแห่งยังเก็บน้ำได้แต่ไม่ได้ปรับปรุง",
        "objectives": "เพื่อให้ชุมชนมีน้ำสำรองใช้ในหน้าแล้ง",
        "targets": "ขุมเหมืองเก่าที่ปรับปรุงเป็นแหล่งน้ำชุมชน ๓ แห่ง",
        "indicators": [{"name": "ปริมาณน้ำสำรองที่ใช้ได้ (ลูกบาศก์เมตร)", "values": {"{y0}": "150,000"}}],
        "target_group": "ครัวเรือนในตำบลศรีสุนทรและตำบลเทพกระษัตรี",
        "area_codes": ["830302", "830301"],
        "budget_source": "province",
        "national_fit": "ยุทธศาสตร์ชาติด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม; แผนแม่บทการบริหารจัดการทรัพยากรน้ำ ๒๐ ปี",
    },
    7: {
        "plan_issue": PLAN_ISSUES[2]["name"],
        "plan_approach": "ส่งเสริมที่อยู่อาศัยมั่นคงและคุณภาพชีวิตของชุมชนชาวเล",
    },
}

ANSWERS = (
    (
        9,
        "adopted",
        "ผู้สูงอายุติดบ้านติดเตียงเพิ่มขึ้นทุกปี และที่ประชุมสนับสนุนมากที่สุด",
        "จัดตั้งศูนย์ดูแลผู้สูงอายุโดยชุมชน",
        "เทศบาลตำบลวิชิต",
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต",
        450000,
    ),
    (
        6,
        "adopted",
        "แหล่งน้ำสำรองจำเป็นในหน้าแล้ง และมีขุมเหมืองเก่าที่ใช้ได้",
        "ฟื้นฟูขุมเหมืองเก่าเป็นแหล่งน้ำชุมชน",
        "องค์การบริหารส่วนจังหวัดภูเก็ต",
        "สำนักงานทรัพยากรน้ำภาค ๙",
        1200000,
    ),
    (7, "forwarded", "อยู่ในอำนาจของหน่วยงานด้านที่อยู่อาศัย", "", "สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน)", "", None),
    (11, "not_adopted", "ซ้ำกับกลไกประชาคมจังหวัดที่มีอยู่แล้ว", "", "", "", None),
)


def _plan_row(row: dict[str, object], fiscal: int) -> dict[str, object]:
    """A demo plan row with its years filled in: {y0} is next fiscal year, {y1} the one after."""
    years = {"{y0}": str(fiscal), "{y1}": str(fiscal + 1)}

    def fill(value: object) -> object:
        if isinstance(value, str):
            return years.get(value, value)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {str(fill(k)): fill(v) for k, v in value.items()}
        return value

    return {k: fill(v) for k, v in row.items()}


async def _seed_outcomes(staff: Actor, session: Session, actors: dict[str, Actor], proposal_ids: list[int]) -> None:
    from deliberate.outcomes import services as outcomes
    from deliberate.outcomes.plans import province_plan
    from deliberate.proposals.services import get_proposal
    from deliberate.sessions import services as sessions

    fiscal = date.today().year + 544
    # An administrator may have replaced the demo's plan (at /staff/plans): a row keeps only the choices the
    # province's current plan still offers, and leaves the rest as "not given".
    current = await province_plan(PROVINCE)
    offered = {i["name"]: i["approaches"] for i in current.issues} if current else {}
    for index, state, reason, programme, agency, partners, budget in ANSWERS:
        row = _plan_row(PLAN_ROWS.get(index, {}), fiscal)
        if row.get("plan_issue") not in offered:
            row.pop("plan_issue", None)
            row.pop("plan_approach", None)
        elif row.get("plan_approach") not in offered[str(row["plan_issue"])]:
            row.pop("plan_approach", None)
        await outcomes.answer_proposal(
            staff,
            await get_proposal(proposal_ids[index]),
            state=state,
            reason=reason,
            programme=programme,
            lead_agency=agency,
            partners=partners,
            budget=budget,
            fiscal_year=fiscal if budget else None,
            plan=row,
        )
    elderly, water = await get_proposal(proposal_ids[9]), await get_proposal(proposal_ids[6])
    soon = (date.today() + timedelta(days=90)).isoformat()
    await outcomes.record_commitment(
        staff, elderly, who="เทศบาลตำบลวิชิต", role="lead", what="จัดสถานที่และงบประมาณดำเนินการปีแรก", due=soon
    )
    await sessions.set_phase(staff, session, "commitments")
    elderly, water = await get_proposal(proposal_ids[9]), await get_proposal(proposal_ids[6])  # see the new phase
    await outcomes.pledge(
        actors["daeng"],
        elderly,
        role="support",
        what="จัดเวรอาสาสมัครเยี่ยมบ้านสัปดาห์ละ ๒ วัน",
        due=soon,
        organisation="ชมรมผู้สูงอายุตำบลวิชิต",
    )
    await outcomes.pledge(actors["nok"], elderly, role="support", what="อบรมผู้ดูแลผู้สูงอายุในชุมชน", due=soon)
    await outcomes.pledge(
        actors["perm"],
        water,
        role="lead",
        what="สำรวจขุมเหมืองที่ใช้ได้และทำประชาคม",
        due=soon,
        organisation="เทศบาลตำบลศรีสุนทร",
    )
    await sessions.set_phase(staff, session, "ideas")
    item = await outcomes.add_action_item(
        staff,
        elderly,
        title="หาสถานที่ตั้งศูนย์และจัดทำแผนอาสาสมัคร",
        community_owner="ชมรมผู้สูงอายุตำบลวิชิต",
        agency_owner="เทศบาลตำบลวิชิต",
        due=soon,
    )
    await outcomes.report_progress(staff, item, status="in_progress", note="สำรวจอาคารว่างของเทศบาลแล้ว ๒ แห่ง")


# One agenda item drafted from the elderly-care and housing proposals, amended and checked clause by clause, so the
# brief's part 4 and the minutes have a resolution to record: one clause adopted with a reservation, one
# adopted by consensus, one blocked. (text, lead agency, partners)
CLAUSES: tuple[tuple[str, str, list[str]], ...] = (
    (
        "ขอให้เทศบาลตำบลวิชิต ร่วมกับ สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต "
        "จัดตั้งศูนย์ดูแลผู้สูงอายุโดยชุมชนให้แล้วเสร็จภายในปีงบประมาณหน้า",
        "เทศบาลตำบลวิชิต",
        ["สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต"],
    ),
    (
        "ขอให้สถาบันพัฒนาองค์กรชุมชน ร่วมกับ องค์กรปกครองส่วนท้องถิ่น สนับสนุนบ้านมั่นคงสำหรับชุมชนชาวเล",
        "สถาบันพัฒนาองค์กรชุมชน",
        ["องค์กรปกครองส่วนท้องถิ่น"],
    ),
    (
        "ขอให้องค์การบริหารส่วนจังหวัดภูเก็ต ยกเว้นค่าธรรมเนียมรถโดยสารสาธารณะสำหรับผู้สูงอายุทุกเส้นทาง",
        "องค์การบริหารส่วนจังหวัดภูเก็ต",
        [],
    ),
)


async def _seed_resolution(staff: Actor, session: Session, actors: dict[str, Actor], proposal_ids: list[int]) -> None:
    from deliberate.resolutions import services as resolutions
    from deliberate.sessions import services as sessions

    await sessions.set_phase(staff, session, "deliberation")
    item = await resolutions.create_item(
        staff,
        session,
        title="การดูแลผู้สูงอายุและที่อยู่อาศัยของชุมชน",
        background="ผู้สูงอายุติดบ้านติดเตียงในภูเก็ตเพิ่มขึ้นทุกปี ขณะที่ชุมชนชาวเลยังไม่มีที่อยู่อาศัยมั่นคง",
        preamble=[
            "ตระหนักว่าผู้สูงอายุที่อยู่ลำพังต้องการการดูแลใกล้บ้าน",
            "กังวลว่าชุมชนชาวเลยังเสี่ยงต่อการถูกไล่ที่",
        ],
        clauses=[{"text": t, "lead_agency": a, "partners": p} for t, a, p in CLAUSES],
        proposal_ids=[proposal_ids[9]],
    )
    from deliberate.resolutions.models import Clause

    rows = await Clause.filter(item_id=item.id).order_by("position")
    clauses = [await resolutions.get_clause(c.id) for c in rows]
    amendment = await resolutions.propose_amendment(
        actors["daeng"],
        clauses[0],
        op="replace",
        text=CLAUSES[0][0].replace("ให้แล้วเสร็จภายในปีงบประมาณหน้า", "และจัดอาสาสมัครเยี่ยมบ้านให้แล้วเสร็จภายในปีงบประมาณหน้า"),
        reason="ศูนย์อย่างเดียวไม่พอ ต้องมีคนเยี่ยมบ้านผู้ที่ออกจากบ้านไม่ได้",
        base_version=1,
    )
    await resolutions.back_amendment(actors["nok"], await resolutions.get_amendment(amendment.id))
    await resolutions.decide_amendment(staff, await resolutions.get_amendment(amendment.id), "accept")
    rejected = await resolutions.propose_amendment(
        actors["oat"], clauses[2], op="delete", reason="รถโดยสารเอกชนจะขาดทุน", base_version=1
    )
    await resolutions.decide_amendment(staff, await resolutions.get_amendment(rejected.id), "reject")
    # Who answers what, clause by clause; the rest of the room agrees.
    answers: tuple[dict[str, tuple[str, str]], ...] = (
        {"oat": ("reservation", "ควรให้ภาคเอกชนในพื้นที่ร่วมลงทุนด้วย"), "koi": ("live_with", "")},
        {"a": ("live_with", "")},
        {"oat": ("block", "รถโดยสารเอกชนจะแบกรับภาระไม่ไหว"), "noi": ("reservation", "ท้องถิ่นยังไม่มีงบชดเชย")},
    )
    for clause, special in zip(clauses, answers, strict=True):
        check = await resolutions.open_check(staff, await resolutions.get_clause(clause.id))
        check = await resolutions.get_check(check.id)
        for key, actor in actors.items():
            answer, reason = special.get(key, ("agree", ""))
            await resolutions.answer_check(actor, check, answer=answer, reason=reason)
        await resolutions.close_check(staff, await resolutions.get_check(check.id))
    await sessions.set_phase(staff, session, "ideas")


STATEMENTS = (
    "ท้องถิ่นควรจัดงบประมาณสมทบกองทุนสวัสดิการชุมชนทุกปี",
    "การท่องเที่ยวควรแบ่งรายได้ส่วนหนึ่งให้ชุมชนเจ้าของพื้นที่",
    "ควรห้ามก่อสร้างโรงแรมใหม่ใกล้ป่าชายเลน",
    "ผู้สูงอายุที่อยู่ลำพังควรมีอาสาสมัครเยี่ยมบ้านทุกสัปดาห์",
    "รถโดยสารสาธารณะควรวิ่งถึงทุกหมู่บ้านแม้ไม่คุ้มทุน",
    "ชุมชนชาวเลควรได้สิทธิ์ในที่ดินที่อยู่อาศัยมาแต่ดั้งเดิม",
)


async def seed(settings: Settings) -> Seeded:
    """Create (or find) the demo facilitator, assembly and session."""
    from tortoise import Tortoise

    from deliberate.accounts.links import issue_reset
    from deliberate.actors import Actor
    from deliberate.db import migrate, tortoise_config
    from deliberate.outcomes.models import ProvincePlan
    from deliberate.proposals.models import Proposal
    from deliberate.sessions import services as sessions
    from deliberate.sessions.models import Assembly, Session

    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings.db_url))
    try:
        password = secrets.token_urlsafe(12)
        facilitator, made = await _facilitator(password)
        reset = None if made else (await issue_reset(DEMO_EMAIL)).token
        staff = Actor(staff=facilitator)
        created = False
        assembly = await Assembly.filter(title=ASSEMBLY_TITLE, province_code=PROVINCE).order_by("id").first()
        if assembly is None:
            today = date.today()
            assembly = await sessions.create_assembly(
                staff,
                title=ASSEMBLY_TITLE,
                subtitle=ASSEMBLY_SUBTITLE,
                themes=THEMES,
                province_code=PROVINCE,
                venue=VENUE,
                starts_on=today.isoformat(),
                ends_on=(today + timedelta(days=1)).isoformat(),
            )
        await ProvincePlan.get_or_create(
            province_code=PROVINCE, defaults={"title": PLAN_TITLE, "period": PLAN_PERIOD, "issues": PLAN_ISSUES}
        )
        session = await Session.filter(assembly_id=assembly.id, title=SESSION_TITLE).order_by("id").first()
        if session is None:
            session = await sessions.create_session(staff, assembly, title=SESSION_TITLE)
        if not await Proposal.filter(session_id=session.id).exists():
            await _seed_session(facilitator, session)
            created = True
        return Seeded(session.code, facilitator.email, password if made else None, session.phase, created, reset)
    finally:
        await Tortoise.close_connections()


# -- simulated participants ----------------------------------------------------------------------------------
PHUKET_SUBDISTRICTS = [s.code for d in geothai.districts(PROVINCE) for s in geothai.subdistricts(d.code)]


class Simulation:
    """Simulated people who talk to the server over real HTTP, like phones in the hall would."""

    def __init__(
        self,
        base_url: str,
        code: str,
        people: int,
        *,
        min_wait: float = 3.0,
        max_wait: float = 10.0,
        seed: int | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.code = code
        self.people = people
        self.min_wait, self.max_wait = min_wait, max_wait
        self.rng = random.Random(seed)  # noqa: S311 (simulation, not security)
        self.ideas = list(SIM_IDEAS)
        self.rng.shuffle(self.ideas)
        self.actions: dict[str, int] = {"joined": 0, "comment": 0, "support": 0, "propose": 0, "refused": 0}

    async def run(self) -> None:
        import httpx

        limits = httpx.Limits(max_connections=max(10, self.people))
        async with httpx.AsyncClient(base_url=f"{self.base_url}/api/v1", timeout=15, limits=limits) as client:
            themes = await self._themes(client)
            tasks = [asyncio.create_task(self._person(client, i, themes)) for i in range(self.people)]
            try:
                await asyncio.gather(*tasks)
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _themes(self, client: httpx.AsyncClient) -> list[int]:
        r = await client.get(f"/sessions/{self.code}")
        r.raise_for_status()
        return [t["id"] for t in r.json()["themes"]]

    async def _join(self, client: httpx.AsyncClient, i: int) -> str:
        name = SIM_NAMES[i % len(SIM_NAMES)] + (f" {i // len(SIM_NAMES) + 1}" if i >= len(SIM_NAMES) else "")
        from deliberate.sessions.vocab import SECTORS

        while True:
            r = await client.post(
                f"/sessions/{self.code}/participants",
                json={
                    "display_name": name,
                    "consent": True,
                    "subdistrict_code": self.rng.choice(PHUKET_SUBDISTRICTS),
                    "sector": self.rng.choice(list(SECTORS)),
                },
            )
            if r.status_code == 201:
                self.actions["joined"] += 1
                return str(r.json()["token"])
            await asyncio.sleep(self.rng.uniform(self.min_wait, self.max_wait) * 2)  # not open now: try later

    async def _person(self, client: httpx.AsyncClient, i: int, themes: list[int]) -> None:
        import httpx

        await asyncio.sleep(self.rng.uniform(0, self.max_wait))  # people arrive one by one
        try:
            token = await self._join(client, i)
            auth = {"authorization": f"Bearer {token}"}
            proposed = False
            while True:
                await asyncio.sleep(self.rng.uniform(self.min_wait, self.max_wait))
                r = await client.get(f"/sessions/{self.code}/proposals", headers=auth)
                items = r.json().get("items", []) if r.status_code == 200 else []
                published = [p for p in items if p.get("status") == "published"]
                roll = self.rng.random()
                if (roll < 0.15 or not published) and not proposed and self.ideas:
                    theme, title, body, groups = self.ideas.pop()
                    proposed = True
                    action, r = (
                        "propose",
                        await client.post(
                            f"/sessions/{self.code}/proposals",
                            headers=auth,
                            json={
                                "title": title,
                                "body": body,
                                "theme_id": themes[theme % len(themes)],
                                "target_groups": groups,
                            },
                        ),
                    )
                elif roll < 0.55 and published:
                    target = self.rng.choice(published)
                    action, r = "support", await client.post(f"/proposals/{target['id']}/support", headers=auth)
                elif published:
                    target = self.rng.choice(published)
                    stance = self.rng.choices(["for", "against", "note"], weights=[6, 2, 2])[0]
                    pool = {"for": SIM_COMMENTS_FOR, "against": SIM_COMMENTS_AGAINST, "note": SIM_COMMENTS_NOTE}
                    action, r = (
                        "comment",
                        await client.post(
                            f"/proposals/{target['id']}/comments",
                            headers=auth,
                            json={"body": self.rng.choice(pool[stance]), "stance": stance},
                        ),
                    )
                else:
                    continue
                # 403 (not open in this phase), 409 (already done) and the like are simply part of the room.
                self.actions[action if r.status_code < 300 else "refused"] += 1
        except (httpx.HTTPError, ValueError, KeyError):
            return  # the server went away or answered oddly: this person leaves quietly


# -- serving --------------------------------------------------------------------------------------------------
def _display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (only choosing what to print)
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent; this just picks the LAN address
            return str(s.getsockname()[0])
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _client_host(host: str) -> str:
    if host in ("0.0.0.0", ""):  # noqa: S104
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def print_banner(seeded: Seeded, host: str, port: int, simulate: int) -> None:
    base = f"http://{_display_host(host)}:{port}"
    lines = [
        ("Assembly", f"{ASSEMBLY_TITLE} — {ASSEMBLY_SUBTITLE}"),
        ("Session", f"{SESSION_TITLE}  (code {seeded.code}, phase {seeded.phase})"),
        ("Join (phones)", f"{base}/s/{seeded.code}/join"),
        ("Projector", f"{base}/s/{seeded.code}/screen"),
        ("Console", f"{base}/staff/s/{seeded.code}"),
        ("Staff login", f"{base}/staff/login"),
        ("Facilitator", seeded.email),
    ]
    if seeded.password:
        lines.append(("Password", seeded.password))
    else:
        lines.append(("Password", f"unchanged; to set a new one: {base}/staff/reset?t={seeded.reset_token}"))
    if simulate:
        lines.append(("Simulated", f"{simulate} participants acting every few seconds"))
    click.echo("")
    click.echo("  deliberate demo " + ("(seeded now)" if seeded.created else "(existing demo reused)"))
    for label, value in lines:
        click.echo(f"  {label + ':':<15} {value}")
    click.echo("  Press Ctrl+C to stop.")
    click.echo("", nl=True)


MAX_SIMULATED = 200


async def _serve(settings: Settings, host: str, port: int, code: str, simulate: int) -> None:
    import uvicorn

    from deliberate.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        ws_per_message_deflate=False,
        log_level="warning",
        ws_max_size=16 * 1024,
        proxy_headers=True,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    simulation: asyncio.Task[None] | None = None
    try:
        if simulate:
            while not server.started and not serving.done():
                await asyncio.sleep(0.05)
            if server.started:
                sim = Simulation(f"http://{_client_host(host)}:{port}", code, simulate)
                simulation = asyncio.create_task(sim.run(), name="demo-simulation")
        await serving
    finally:
        if simulation is not None:
            simulation.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await simulation


def run_demo(host: str, port: int, simulate: int, force: bool = False) -> None:
    settings = Settings.from_env()
    if settings.production and not force:
        # The demo writes a made-up assembly and a staff account: never into a live database by accident.
        raise SystemExit("DELIBERATE_ENV=production: the demo will not seed a production database (--force to insist).")
    try:
        seeded = asyncio.run(seed(settings))
    except DemoRefused as exc:
        raise SystemExit(f"deliberate demo: {exc}") from None
    if simulate > MAX_SIMULATED:
        click.echo(f"  (simulating {MAX_SIMULATED} participants, the most the demo runs)")
    simulate = max(0, min(int(simulate), MAX_SIMULATED))
    print_banner(seeded, host, port, simulate)
    asyncio.run(_serve(settings, host, port, seeded.code, simulate))
