"""A hand-written brief in the shape `deliberate.briefs.build` produces (see deliberate/briefs/schema.md).

Renderers are pure functions of this dictionary, so their tests start here; the tests of the builder
check that the real thing has the same shape.
"""

from __future__ import annotations

import copy
from typing import Any

_THEMES = [
    {"id": 1, "name": "ผู้สูงอายุและสวัสดิการชุมชน", "proposal_ids": [11, 12]},
    {"id": 2, "name": "แหล่งน้ำและการเกษตร", "proposal_ids": [21]},
]

_PROPOSALS: list[dict[str, Any]] = [
    {
        "id": 11,
        "ref": "P11",
        "rank": 1,
        "theme_id": 1,
        "theme": "ผู้สูงอายุและสวัสดิการชุมชน",
        "title": "จัดตั้งศูนย์ดูแลผู้สูงอายุกลางวันในตำบล",
        "body": "ผู้สูงอายุที่อยู่ลำพังในเวลากลางวันต้องการที่พักพิงและกิจกรรม ขอให้มีศูนย์ดูแลกลางวันที่อาสาสมัครดำเนินการร่วมกับเทศบาล",
        "target_groups": ["ผู้สูงอายุ"],
        "supports": 180,
        "support_share": 0.82,
        "comments": {"for": 14, "against": 0, "note": 2},
        "agreement": {"level": "consensus", "label": "ฉันทามติ"},
        "by_sector": [
            {"label": "องค์กรชุมชน / สภาองค์กรชุมชน", "supporters": 90},
            {"label": "อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.)", "supporters": 60},
        ],
        "arguments": {"for": [{"text": "ลูกหลานทำงานนอกบ้าน ผู้สูงอายุอยู่ลำพังทั้งวัน"}], "against": []},
        "opposing": [],
        "proposers": {
            "count": 3,
            "by_sector": [{"label": "องค์กรชุมชน / สภาองค์กรชุมชน", "count": 3}],
            "credited": ["นางสมศรี ใจดี (สภาองค์กรชุมชนตำบลรัษฎา)"],
        },
        "merged_from": [14],
        "answer": {
            "state": "adopted",
            "state_label": "รับเป็นข้อเสนอของสมัชชา",
            "reason": "สอดคล้องกับแผนพัฒนาจังหวัดประเด็นที่ ๓",
            "programme": "โครงการศูนย์ดูแลผู้สูงอายุกลางวันโดยชุมชน",
            "lead_agency": "เทศบาลนครภูเก็ต",
            "partners": "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต",
            "budget": 250000.0,
            "fiscal_year": 2570,
            "answered_at": "2026-11-15T15:20:00+07:00",
        },
        "clause": "ขอให้เทศบาลนครภูเก็ต ร่วมกับ สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต จัดตั้งศูนย์ดูแลผู้สูงอายุกลางวันในตำบล",
    },
    {
        "id": 12,
        "ref": "P12",
        "rank": 2,
        "theme_id": 1,
        "theme": "ผู้สูงอายุและสวัสดิการชุมชน",
        "title": "กองทุนสวัสดิการชุมชนสมทบค่ารักษาพยาบาล",
        "body": "ขยายสวัสดิการกองทุนให้ครอบคลุมค่าเดินทางไปโรงพยาบาล",
        "target_groups": ["ผู้สูงอายุ", "คนพิการ"],
        "supports": 120,
        "support_share": 0.55,
        "comments": {"for": 6, "against": 2, "note": 0},
        "agreement": {"level": "opposed", "label": "เห็นด้วยส่วนใหญ่ มีความเห็นแย้ง"},
        "by_sector": [{"label": "องค์กรชุมชน / สภาองค์กรชุมชน", "supporters": 70}],
        "arguments": {
            "for": [{"text": "ค่าเดินทางเป็นภาระหนักของครอบครัว"}],
            "against": [{"text": "กองทุนมีเงินไม่พอ ควรหาแหล่งทุนสมทบก่อน"}],
        },
        "opposing": ["กองทุนมีเงินไม่พอ ควรหาแหล่งทุนสมทบก่อน"],
        "proposers": {"count": 1, "by_sector": [], "credited": []},
        "merged_from": [],
        "answer": {
            "state": "forwarded",
            "state_label": "ส่งต่อหน่วยงาน",
            "reason": "อยู่ในอำนาจของกองทุน",
            "programme": "",
            "lead_agency": "สำนักงานหลักประกันสุขภาพแห่งชาติ เขต ๑๑",
            "partners": "",
            "budget": None,
            "fiscal_year": None,
            "answered_at": "2026-11-15T15:30:00+07:00",
        },
        "clause": "ขอให้สำนักงานหลักประกันสุขภาพแห่งชาติ เขต ๑๑ พิจารณากองทุนสวัสดิการชุมชนสมทบค่ารักษาพยาบาล",
    },
    {
        "id": 21,
        "ref": "P21",
        "rank": 3,
        "theme_id": 2,
        "theme": "แหล่งน้ำและการเกษตร",
        "title": "ขุดลอกสระน้ำสาธารณะหมู่ที่ ๔",
        "body": "สระน้ำตื้นเขินทำให้ขาดน้ำในหน้าแล้ง",
        "target_groups": ["ทุกคนในชุมชน"],
        "supports": 40,
        "support_share": 0.18,
        "comments": {"for": 1, "against": 1, "note": 0},
        "agreement": {"level": "some", "label": "มีผู้สนับสนุนบางส่วน"},
        "by_sector": [],
        "arguments": {"for": [], "against": [{"text": "ควรใช้งบของ อบต."}]},
        "opposing": ["ควรใช้งบของ อบต."],
        "proposers": {"count": 1, "by_sector": [], "credited": []},
        "merged_from": [],
        "answer": None,
        "clause": None,
    },
]

SAMPLE: dict[str, Any] = {
    "schema": "deliberate.brief/2",
    "language": "th",
    "version": 2,
    "content_hash": "ab" * 32,
    "generated_at": "2026-11-22T10:15:00+07:00",
    "chain_head": None,
    "links": {
        "open_data": "http://testserver/api/v1/sessions/AB12CD/brief.json",
        "follow_up": "http://testserver/a/1/follow-up",
    },
    "assembly": {
        "id": 1,
        "title": "สมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี ๒๕๖๙",
        "subtitle": "ร่วมคิด ร่วมทำ ร่วมรับผิดชอบ",
        "province_code": "83",
        "province": "ภูเก็ต",
        "venue": "โรงแรมเพิร์ล ภูเก็ต",
        "starts_on": "2026-11-15",
        "ends_on": "2026-11-15",
    },
    "session": {
        "code": "AB12CD",
        "title": "เวทีข้อเสนอเชิงนโยบาย",
        "phase": "closed",
        "phase_label": "ปิดแล้ว",
        "opened_at": "2026-11-15T09:00:00+07:00",
        "closed_at": "2026-11-15T16:30:00+07:00",
    },
    "participation": {
        "joined": 312,
        "took_part": 287,
        "assisted": 14,
        "min_group": 5,
        "by_sector": [
            {"key": "community", "label": "องค์กรชุมชน / สภาองค์กรชุมชน", "count": 150},
            {"key": "volunteer", "label": "อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.)", "count": 90},
            {"key": "local_government", "label": "องค์กรปกครองส่วนท้องถิ่น", "count": 40},
            {"key": "_other", "label": "กลุ่มอื่น ๆ (แต่ละกลุ่มเล็กเกินกว่าจะแสดง)", "count": 32},
        ],
        "by_subdistrict": [
            {"key": "830101", "label": "ตำบลตลาดใหญ่ อำเภอเมืองภูเก็ต", "count": 120},
            {"key": "830102", "label": "ตำบลตลาดเหนือ อำเภอเมืองภูเก็ต", "count": 100},
        ],
        "withheld": {"sector": 0, "subdistrict": 3},
    },
    "summary": {
        "proposals": 3,
        "adopted": 1,
        "forwarded": 1,
        "comments": 26,
        "supports": 340,
        "commitments": 2,
        "action_items": 1,
    },
    "themes": _THEMES,
    "proposals": _PROPOSALS,
    "rounds": [
        {
            "id": 3,
            "method": "dots",
            "method_label": "ติดจุด",
            "title": "จัดลำดับข้อเสนอ",
            "voters": 210,
            "items": [
                {
                    "id": 11,
                    "title": _PROPOSALS[0]["title"],
                    "rank": 1,
                    "figure": 54,
                    "figure_label": "54 จุด",
                    "passes": True,
                },
                {
                    "id": 12,
                    "title": _PROPOSALS[1]["title"],
                    "rank": 2,
                    "figure": 31,
                    "figure_label": "31 จุด",
                    "passes": False,
                },
            ],
            "by_sector": [{"label": "องค์กรชุมชน / สภาองค์กรชุมชน", "voters": 100, "figures": {"11": 30, "12": 20}}],
        }
    ],
    "opinion": {
        "participants": 120,
        "statements": 24,
        "groups": [
            {
                "id": 0,
                "name": "ก",
                "size": 70,
                "representative": [{"text": "ชุมชนควรบริหารกองทุนเอง", "direction": "agree", "share": 0.9}],
            },
            {
                "id": 1,
                "name": "ข",
                "size": 50,
                "representative": [{"text": "ชุมชนควรบริหารกองทุนเอง", "direction": "disagree", "share": 0.7}],
            },
        ],
        "consensus": [{"text": "ผู้สูงอายุควรมีที่พักกลางวันใกล้บ้าน", "agree_share": 0.88}],
        "divisive": [{"text": "ชุมชนควรบริหารกองทุนเอง", "score": 0.41}],
    },
    "commitments": [
        {
            "id": 1,
            "proposal_id": 11,
            "who": "เทศบาลนครภูเก็ต",
            "kind": "agency",
            "role": "lead",
            "role_label": "เป็นเจ้าภาพหลัก",
            "what": "จัดหาสถานที่และงบประมาณดำเนินการปีแรก",
            "due": "2027-03-31",
            "created_at": "2026-11-15T16:00:00+07:00",
        },
        {
            "id": 2,
            "proposal_id": 11,
            "who": "ผู้เข้าร่วม (อพม.)",
            "kind": "participant",
            "role": "support",
            "role_label": "ร่วมสนับสนุน",
            "what": "จัดเวรอาสาสมัครดูแลวันละ ๒ คน",
            "due": "2027-01-15",
            "created_at": "2026-11-15T16:05:00+07:00",
        },
    ],
    "plan_rows": [
        {
            "proposal_id": 11,
            "ref": "P11",
            "issue": "ประเด็นการพัฒนาที่ 3 พัฒนาคุณภาพชีวิตและสังคมให้มั่นคง เป็นธรรม",
            "approach": "พัฒนาระบบดูแลผู้สูงอายุ คนพิการ และกลุ่มเปราะบางโดยชุมชน",
            "project": "จัดตั้งศูนย์ดูแลผู้สูงอายุกลางวันโดยชุมชน",
            "rationale": "ผู้สูงอายุติดบ้านเพิ่มขึ้นทุกปี\nที่ประชุม: ผู้สนับสนุน 214 คน ฉันทามติ ความเห็นแย้ง 3 รายการ",
            "objectives": "เพื่อให้ผู้สูงอายุที่อยู่ลำพังในเวลากลางวันได้รับการดูแลใกล้บ้าน",
            "targets": "ศูนย์ ๑ แห่ง รับผู้สูงอายุได้วันละ ๓๐ คน",
            "indicators": "ผู้สูงอายุที่ได้รับการดูแล (คน): ปี 2570: 30, ปี 2571: 45",
            "target_group": "ผู้สูงอายุ",
            "area": "ตลาดใหญ่ (เมืองภูเก็ต) (830101)",
            "fiscal_years": "2570",
            "budget": 250000.0,
            "budget_source": "งบประมาณองค์กรปกครองส่วนท้องถิ่น",
            "lead_agency": "เทศบาลนครภูเก็ต",
            "partners": "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต",
            "national_fit": "แผนพัฒนาฯ ฉบับที่ 13 หมุดหมายที่ 9",
            "agreement": "ฉันทามติ",
            "proposers_by_sector": "องค์กรชุมชน / สภาองค์กรชุมชน 3",
            "coordinator": "ชมรมผู้สูงอายุตำบลตลาดใหญ่",
        },
        {
            "proposal_id": 12,
            "ref": "P12",
            # What the staff left empty says so (a build never leaves a column blank).
            "issue": "เจ้าหน้าที่ไม่ได้ระบุ",
            "approach": "เจ้าหน้าที่ไม่ได้ระบุ",
            "project": "เจ้าหน้าที่ไม่ได้ระบุ",
            "rationale": "เจ้าหน้าที่ไม่ได้ระบุ\nที่ประชุม: ผู้สนับสนุน 120 คน มีข้อสงวน ความเห็นแย้ง 9 รายการ",
            "objectives": "เจ้าหน้าที่ไม่ได้ระบุ",
            "targets": "เจ้าหน้าที่ไม่ได้ระบุ",
            "indicators": "เจ้าหน้าที่ไม่ได้ระบุ",
            "target_group": "ผู้สูงอายุ, คนพิการ",
            "area": "เจ้าหน้าที่ไม่ได้ระบุ",
            "fiscal_years": "เจ้าหน้าที่ไม่ได้ระบุ",
            "budget": None,
            "budget_source": "เจ้าหน้าที่ไม่ได้ระบุ",
            "lead_agency": "สำนักงานหลักประกันสุขภาพแห่งชาติ เขต ๑๑",
            "partners": "เจ้าหน้าที่ไม่ได้ระบุ",
            "national_fit": "เจ้าหน้าที่ไม่ได้ระบุ",
            "agreement": "มีข้อสงวน",
            "proposers_by_sector": "แต่ละภาคส่วนมีน้อยกว่า 5 คน จึงไม่แสดง",
            "coordinator": "เจ้าหน้าที่ไม่ได้ระบุ",
        },
    ],
    "minutes": {
        "body": "สมัชชาสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี ๒๕๖๙",
        "meeting_no": "1/2570",
        "date": "2026-11-15",
        "venue": "โรงแรมเพิร์ล ภูเก็ต",
        "started_at": "2026-11-15T09:00:00+07:00",
        "ended_at": "2026-11-15T16:30:00+07:00",
        "attendance": {
            "count": 312,
            "by_sector": [
                {"label": "องค์กรชุมชน / สภาองค์กรชุมชน", "count": 150},
                {"label": "อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.)", "count": 90},
            ],
            "named": ["นางสมศรี ใจดี (สภาองค์กรชุมชนตำบลรัษฎา)"],
        },
        "agenda": [
            {
                "no": 1,
                "heading": "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
                "body": ["ประธานแจ้งวัตถุประสงค์ของเวทีและประเด็นยุทธศาสตร์ ๒ ประเด็น"],
                "resolution": "ที่ประชุมรับทราบ",
            },
            {
                "no": 2,
                "heading": "เรื่องเพื่อพิจารณา: ข้อเสนอเชิงนโยบาย",
                "body": [
                    "ผู้เข้าร่วมเสนอข้อเสนอ ๓ เรื่อง แสดงความเห็น ๒๖ ครั้ง และสนับสนุน ๓๔๐ ครั้ง",
                    "P11 จัดตั้งศูนย์ดูแลผู้สูงอายุกลางวันในตำบล: รับเป็นข้อเสนอของสมัชชา (ฉันทามติ)",
                ],
                "resolution": "ที่ประชุมเห็นชอบข้อเสนอ ๑ เรื่อง และส่งต่อหน่วยงาน ๑ เรื่อง",
            },
            {
                "no": 3,
                "heading": "เรื่องอื่น ๆ",
                "body": ["ภาคีเครือข่ายแสดงเจตจำนงร่วมดำเนินการ ๒ ราย"],
                "resolution": "ที่ประชุมรับทราบ",
            },
        ],
        "recorder": "",
    },
    "follow_up": [
        {
            "id": 1,
            "proposal_id": 11,
            "title": "หาสถานที่ตั้งศูนย์",
            "community_owner": "สภาองค์กรชุมชนตำบลรัษฎา",
            "agency_owner": "เทศบาลนครภูเก็ต",
            "due": "2027-02-28",
            "status": "in_progress",
            "status_label": "กำลังดำเนินการ",
            "updates": [
                {
                    "on": "2027-01-10",
                    "status": "in_progress",
                    "status_label": "กำลังดำเนินการ",
                    "note": "สำรวจอาคารว่างของเทศบาลแล้ว ๒ แห่ง",
                }
            ],
        }
    ],
}


def _sectors(people: int | None, agree: int, live: int, reservation: int, block: int) -> dict[str, Any]:
    counts = {"agree": agree, "live_with": live, "reservation": reservation, "block": block}
    text = f"เห็นด้วย {agree} · ยอมรับได้ {live} · ข้อสงวน {reservation} · คัดค้าน {block}"
    return {"answers": people, "counts": counts, "text": text}


def _check(outcome: str, total: int, agree: int, live: int, reservation: int, block: int) -> dict[str, Any]:
    counts = {"agree": agree, "live_with": live, "reservation": reservation, "block": block}
    return {
        "id": 1,
        "clause_version": 2,
        "outcome": outcome,
        "outcome_label": "รับรองโดยฉันทามติ" if outcome == "adopted" else "ยังไม่รับรอง กลับไปแก้ไข",
        "total": total,
        "counts": counts,
        "counts_text": f"เห็นด้วย {agree} · ยอมรับได้ {live} · ข้อสงวน {reservation} · คัดค้าน {block}",
        "by_sector": [
            {
                "key": "state",
                "label": "ภาครัฐ",
                "answers": None,
                "counts": None,
                "text": "ผู้ตอบน้อยกว่า 5 คน ไม่แสดงรายละเอียด",
            },
            {
                "key": "people",
                "label": "ภาคประชาชนและประชาสังคม",
                **_sectors(total - 3, agree - 3, live, reservation, block),
            },
        ],
        "closed_at": "2026-11-15T14:00:00+07:00",
    }


# A resolution decided clause by clause (deliberate/briefs/build.py `_resolution`): clause 1 adopted with a
# reservation, clause 2 by consensus, clause 3 blocked.
RESOLUTION: dict[str, Any] = {
    "items": [
        {
            "id": 1,
            "no": 1,
            "title": "การดูแลผู้สูงอายุโดยชุมชน",
            "preamble": ["ตระหนักว่าผู้สูงอายุที่อยู่ลำพังต้องการการดูแลใกล้บ้าน"],
            "proposal_ids": [11],
            "clauses": [
                {
                    "id": 1,
                    "draft_no": 1,
                    "number": 1,
                    "version": 2,
                    "status": "adopted",
                    "text": "ขอให้เทศบาลนครภูเก็ต ร่วมกับ สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต จัดตั้งศูนย์ดูแลผู้สูงอายุและจัดอาสาสมัครเยี่ยมบ้าน",
                    "lead_agency": "เทศบาลนครภูเก็ต",
                    "partners": ["สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดภูเก็ต"],
                    "has_verb": True,
                    "proposed_verb": "",
                    "level": "reservations",
                    "level_label": "มีข้อสงวน",
                    "why": None,
                    "why_label": "",
                    "reservations": ["ควรให้ภาคเอกชนในพื้นที่ร่วมลงทุนด้วย"],
                    "objections": [],
                    "check": _check("adopted", 16, 14, 1, 1, 0),
                    "checks": [_check("adopted", 16, 14, 1, 1, 0)],
                    "amendments": [
                        {
                            "id": 1,
                            "op": "replace",
                            "op_label": "แก้ไขถ้อยคำ",
                            "text": "…",
                            "reason": "ต้องมีคนเยี่ยมบ้าน",
                            "status": "accepted",
                            "status_label": "รับข้อแก้ไข",
                            "backers": 2,
                        }
                    ],
                },
                {
                    "id": 2,
                    "draft_no": 2,
                    "number": 2,
                    "version": 1,
                    "status": "adopted",
                    "text": "ขอให้สถาบันพัฒนาองค์กรชุมชน ร่วมกับ องค์กรปกครองส่วนท้องถิ่น สนับสนุนบ้านมั่นคงสำหรับชุมชนชาวเล",
                    "lead_agency": "สถาบันพัฒนาองค์กรชุมชน",
                    "partners": ["องค์กรปกครองส่วนท้องถิ่น"],
                    "has_verb": True,
                    "proposed_verb": "",
                    "level": "consensus",
                    "level_label": "ฉันทามติ",
                    "why": None,
                    "why_label": "",
                    "reservations": [],
                    "objections": [],
                    "check": _check("adopted", 16, 15, 1, 0, 0),
                    "checks": [_check("adopted", 16, 15, 1, 0, 0)],
                    "amendments": [],
                },
                {
                    "id": 3,
                    "draft_no": 3,
                    "number": None,
                    "version": 1,
                    "status": "not_adopted",
                    "text": "ขอให้องค์การบริหารส่วนจังหวัดภูเก็ต ยกเว้นค่าโดยสารสำหรับผู้สูงอายุทุกเส้นทาง",
                    "lead_agency": "องค์การบริหารส่วนจังหวัดภูเก็ต",
                    "partners": [],
                    "has_verb": True,
                    "proposed_verb": "",
                    "level": None,
                    "level_label": "",
                    "why": "blocked",
                    "why_label": "มีผู้คัดค้าน 1 เสียง ขอให้ไม่รับรองข้อนี้",
                    "reservations": [],
                    "objections": ["รถโดยสารเอกชนจะแบกรับภาระไม่ไหว"],
                    "check": _check("not_adopted", 16, 14, 0, 1, 1),
                    "checks": [_check("not_adopted", 16, 14, 0, 1, 1)],
                    "amendments": [],
                },
            ],
        }
    ],
    "adopted": 2,
    "not_adopted": 1,
}
CLAUSE_ACTION = {
    "id": 2,
    "proposal_id": None,
    "clause": {"item": 1, "number": 1},
    "title": "จัดตั้งศูนย์ดูแลผู้สูงอายุและจัดอาสาสมัครเยี่ยมบ้าน",
    "community_owner": "",
    "agency_owner": "เทศบาลนครภูเก็ต",
    "due": None,
    "status": "not_started",
    "status_label": "ยังไม่เริ่ม",
    "updates": [],
}


def with_resolution(**changes: Any) -> dict[str, Any]:
    """The sample brief of a session that decided a resolution, its first clause's action item in part 7."""
    brief = sample_brief(**changes)
    brief["resolution"] = copy.deepcopy(RESOLUTION)
    brief["follow_up"] = [*brief["follow_up"], copy.deepcopy(CLAUSE_ACTION)]
    brief["summary"] |= {"clauses_adopted": 2, "clauses_not_adopted": 1}
    return brief


def sample_brief(**changes: Any) -> dict[str, Any]:
    """A fresh deep copy, with top-level keys replaced by `changes`."""
    return copy.deepcopy(SAMPLE) | changes
