"""The voting methods, their options and what a valid mark is. Pure rules, no database.

Options common to every method:
- `hidden`: results are shown to participants and the projector only once the facilitator reveals them;
- `quorum`: the number of voters a round needs before its result counts (0: none);
- `threshold`: what a proposal needs to pass. A percentage of the round's voters who backed it (support,
  dots, ranking, agree), or for scores the mean score it must reach. None: no pass line;
- `allow_assisted`: staff may enter votes for people without a phone;
- `allow_paper`: staff may enter counted paper ballots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deliberate.errors import ValidationError
from deliberate.i18n import N_

METHODS = ("support", "dots", "score", "rank", "agree")
METHOD_LABELS = {
    "support": N_("Support"),
    "dots": N_("Dot voting"),
    "score": N_("Scores"),
    "rank": N_("Ranking"),
    "agree": N_("Agree or disagree with statements"),
}
METHOD_HINTS = {
    "support": N_("Support the proposals you back."),
    "dots": N_("You have {budget} dots. Put up to {max_per} on one proposal."),
    "score": N_("Give each proposal a score from {low} to {high}."),
    "rank": N_("Choose your top {k} proposals in order."),
    "agree": N_("Agree, disagree or pass on each statement."),
}
SOURCES = ("phone", "assisted", "paper")
SOURCE_LABELS = {"phone": N_("own phone"), "assisted": N_("entered by staff"), "paper": N_("paper ballots")}
SCALES = {"1-5": (1, 5), "0-10": (0, 10)}
AGREE, PASS, DISAGREE = 1, 0, -1


@dataclass(frozen=True)
class Options:
    hidden: bool = False
    quorum: int = 0
    threshold: float | None = None
    allow_assisted: bool = True
    allow_paper: bool = False
    budget: int = 5
    max_per: int = 3
    scale: str = "1-5"
    k: int = 3

    @property
    def score_range(self) -> tuple[int, int]:
        return SCALES[self.scale]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _int(raw: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise ValidationError(N_("Please enter a whole number from {low} to {high}."), field=key, low=low, high=high)
    number = int(value)
    if not low <= number <= high:
        raise ValidationError(N_("Please enter a whole number from {low} to {high}."), field=key, low=low, high=high)
    return number


def _bool(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if isinstance(value, bool):
        return value
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no", "", None):
        return False
    raise ValidationError(N_("Please choose one of the options."), field=key)


def clean_method(value: object) -> str:
    if value not in METHODS:
        raise ValidationError(N_("Please choose one of the voting methods."), field="method")
    return str(value)


def clean_options(method: str, raw: object) -> Options:
    """Check a facilitator's options for `method`; unknown keys are refused so typos don't pass silently."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError(N_("Please choose one of the options."), field="options")
    unknown = set(raw) - set(Options.__dataclass_fields__)
    if unknown:
        raise ValidationError(N_("Unknown option: {name}."), field="options", name=sorted(unknown)[0][:40])
    scale = raw.get("scale") or "1-5"
    if scale not in SCALES:
        raise ValidationError(N_("Please choose one of the options."), field="scale")
    budget = _int(raw, "budget", 5, 1, 50)
    threshold_raw = raw.get("threshold")
    threshold: float | None = None
    if threshold_raw not in (None, ""):
        high = SCALES[scale][1] if method == "score" else 100
        threshold = float(_int({"threshold": threshold_raw}, "threshold", 0, 0, high))
    return Options(
        hidden=_bool(raw, "hidden", False),
        quorum=_int(raw, "quorum", 0, 0, 100_000),
        threshold=threshold,
        allow_assisted=_bool(raw, "allow_assisted", True),
        allow_paper=_bool(raw, "allow_paper", False),
        budget=budget,
        max_per=_int(raw, "max_per", min(3, budget), 1, budget),
        scale=scale,
        k=_int(raw, "k", 3, 1, 20),
    )


def options_of(stored: dict[str, Any]) -> Options:
    known = {k: v for k, v in (stored or {}).items() if k in Options.__dataclass_fields__}
    return Options(**known)


MAX_SHEETS = 10_000  # the most identical paper sheets one pile may hold


def clean_sheets(value: object) -> int:
    """How many identical paper sheets a pile holds: 1 when not said, at most MAX_SHEETS."""
    return _int({"sheets": value}, "sheets", 1, 1, MAX_SHEETS)


def clean_value(method: str, options: Options, value: object) -> int:
    """One mark on one proposal: dots on it, a score, or agree (1) / disagree (-1) / pass (0)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(N_("Please choose one of the options."), field="value")
    if isinstance(value, str):
        text = value.strip()
        if not (text.lstrip("-").isdigit() and len(text) < 6):
            raise ValidationError(N_("Please choose one of the options."), field="value")
        value = int(text)
    if method == "dots":
        low, high = 0, options.max_per
        if not low <= value <= high:
            raise ValidationError(N_("You can put from 0 to {high} dots on one proposal."), field="value", high=high)
    elif method == "score":
        low, high = options.score_range
        if not low <= value <= high:
            raise ValidationError(N_("Please give a score from {low} to {high}."), field="value", low=low, high=high)
    elif method == "agree":
        if value not in (AGREE, PASS, DISAGREE):
            raise ValidationError(N_("Please choose agree, disagree or pass."), field="value")
    else:
        raise ValidationError(N_("This round does not take that kind of vote."), field="method")
    return value
