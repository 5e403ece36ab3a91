"""The personal-data notice shown before anyone joins (PDPA, พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562)."""

from __future__ import annotations

from dataclasses import dataclass

from deliberate.i18n import N_, gettext

RETENTION_DAYS = 365


@dataclass(frozen=True)
class Notice:
    title: str
    # The few lines shown beside the consent box: who controls the data, what is kept and why, for how long.
    # The paragraphs are the full notice, one tap away.
    summary: str
    paragraphs: tuple[str, ...]

    def translated(self) -> dict[str, object]:
        return {
            "title": gettext(self.title),
            "summary": gettext(self.summary, days=RETENTION_DAYS),
            "paragraphs": [gettext(p, days=RETENTION_DAYS) for p in self.paragraphs],
        }


PRIVACY_NOTICE = Notice(
    N_("Your personal data"),
    N_(
        "The organiser of this assembly (the data controller) keeps the name you give to run this session and "
        "count who took part, and deletes it {days} days after the session."
    ),
    (
        N_(
            "The organiser of this assembly collects the name you choose to show, and, if you wish, your "
            "sub-district, sector and organisation, to run this session and to count participation by area and "
            "group."
        ),
        N_("You may use a nickname. Sub-district, sector and organisation are optional."),
        N_("The policy brief and open data show only totals. Your name appears only if you choose to be credited."),
        N_("Your data is kept for {days} days after the session and then removed; totals are kept."),
        N_(
            "You can see and delete your data yourself on the “My data” page of the session, or ask the organiser "
            "at the venue to see, copy or delete it, or to withdraw your consent."
        ),
    ),
)
