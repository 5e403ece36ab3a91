"""Does a clause's action open with a verb? A resolution clause reads "ขอให้ [agency] ร่วมกับ [partners]
[verb ...]": when the action is a bare noun phrase ("บ้านมั่นคงสำหรับผู้มีรายได้น้อย"), the clause asks an
agency for nothing. The first word is found by the newmm segmenter and tagged with pythainlp's ORCHID
part-of-speech model (bundled, no download); ORCHID's verb tags all start with "V".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pythainlp.tag import pos_tag
from pythainlp.tokenize import word_tokenize

_THAI = re.compile(r"[\u0e00-\u0e7f]")
# Nouns that name a piece of work: the verb that carries one out is "ดำเนิน" (ดำเนินโครงการ...).
_WORK_NOUNS = ("โครงการ", "แผนงาน", "แผน", "กิจกรรม", "มาตรการ")
# Without a better verb, "ensure there is ..." asks for the thing named, whatever it is.
PROVIDE = "ดำเนินการให้มี"
CARRY_OUT = "ดำเนิน"


@dataclass(frozen=True)
class Action:
    text: str  # the action as it will be written, with a proposed verb in front when it had none
    had_verb: bool
    proposed_verb: str = ""


# Verbs that open project names in provincial plans and that ORCHID's model often tags as nouns
# (ฟื้นฟู, ก่อสร้าง, อนุรักษ์...): taken as verbs without asking the tagger.
PLAN_VERBS = (
    "ก่อสร้าง",
    "ขยาย",
    "คุ้มครอง",
    "ฟื้นฟู",
    "เฝ้าระวัง",
    "เพิ่ม",
    "เสริมสร้าง",
    "แก้ไข",
    "บูรณาการ",
    "อนุรักษ์",
    "ปรับปรุง",
    "พัฒนา",
    "ส่งเสริม",
    "สนับสนุน",
    "จัดตั้ง",
    "จัดทำ",
    "จัดหา",
    "ยกระดับ",
    "สร้าง",
    "ลด",
    "ป้องกัน",
    "ขับเคลื่อน",
    "ดำเนิน",
    "อบรม",
    "ติดตั้ง",
)


@lru_cache(maxsize=2048)
def starts_with_verb(text: str) -> bool:
    """True when the Thai text opens with a verb; text that is not Thai is taken as written."""
    text = text.strip()
    if not text or not _THAI.match(text):
        return True
    first_word = next(iter(w for w in word_tokenize(text[:60], engine="newmm", keep_whitespace=False) if w.strip()), "")
    # The listed verb is the first word, spans the first words, or opens a compound the dictionary holds
    # as one word (เพิ่มประสิทธิภาพ); a two-letter verb only as a word of its own: ลดขยะ, not ลดาวัลย์.
    if first_word and any(
        text.startswith(v) and (v.startswith(first_word) or (len(v) > 2 and first_word.startswith(v)))
        for v in PLAN_VERBS
    ):
        return True
    first = [w for w in word_tokenize(text[:60], engine="newmm", keep_whitespace=False) if w.strip()][:2]
    if not first:
        return True
    tags = pos_tag(first, corpus="orchid")
    return tags[0][1].startswith("V")


def action(text: str) -> Action:
    """The action of a clause, with a verb proposed in front when it opens with a noun."""
    text = " ".join(text.split())
    if starts_with_verb(text):
        return Action(text, True)
    verb = CARRY_OUT if text.startswith(_WORK_NOUNS) else PROVIDE
    return Action(verb + text, False, verb)


def clause_action(text: str, agency: str, partners: list[str]) -> str:
    """What a clause asks for: its text after "ขอให้ [agency] ร่วมกับ [partners]", when it is written so;
    "" when the text does not follow the form (then there is nothing to check)."""
    rest = " ".join(text.split())
    if not rest.startswith("ขอให้"):
        return ""
    rest = rest[len("ขอให้") :].strip()
    if not agency or not rest.startswith(agency):
        return ""
    rest = rest[len(agency) :].strip()
    if rest.startswith("ร่วมกับ"):
        rest = rest[len("ร่วมกับ") :].strip()
        for name in partners:
            rest = rest.removeprefix("และ").strip()
            if not rest.startswith(name):
                return ""
            rest = rest[len(name) :].strip(" ,")
    return rest


def clause_check(text: str, agency: str, partners: list[str]) -> Action:
    """The drafting helper's reading of a clause: does its action open with a verb, and if not, which verb
    it proposes ("ขอให้ พอช. บ้านมั่นคง..." -> propose "ดำเนินการให้มี")."""
    return action(clause_action(text, agency, partners))
