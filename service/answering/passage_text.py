"""What a passage's text states on its own: a figure, the years it is about, a direction of
change, a cause. Pure functions over strings, used as features of a candidate.

The same sentences are candidates of ask after ask (and of every part of one): what depends on
the text alone is remembered per text (`_PER_TEXT` most recent), so a busy service reads each
sentence once, not once per question part."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from service.answering.lexicon import load_lexicon

# A figure, not a list marker: a number with a unit or %, a decimal, or two or more digits.
ANY_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|人|件|条|辆|个|项|次|分)|\d+\.\d+|\d{2,}"
)
PERCENT_FIGURE = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*%")
AMOUNT_FIGURE = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:万元|亿元|千元|元)")
_PER_TEXT = 1 << 15
_YEAR = re.compile(r"(?:19|20)\d{2}")
NUMBER = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?")
_COMPARED_YEAR = re.compile(r"(?:比|较|与|同|相比|对比|低于|高于)\s*(?:19|20)\d{2}\s*年")


@cache
def count_figure() -> re.Pattern[str]:
    """A count with its unit ("5辆", "139条"), from the lexicon's count units (built once)."""
    units = "|".join(load_lexicon().count_units)
    return re.compile(rf"\d+\s*(?:{units})")


# The number of a numbered item ("13.负责…", "(2)…", "3、…") opening a line or the text.
_ORDINAL = re.compile(r"(?:^|\n)\s*[((]?\d{1,2}(?:[.、))]|\s)(?!\d)")


@lru_cache(maxsize=_PER_TEXT)
def has_figure(text: str) -> bool:
    """A quantity stated in the text; a year ("2024年"), a date or an item's number is not one."""
    ordinals = {m.end() for m in _ORDINAL.finditer(text)}
    return any(
        (not _YEAR.fullmatch(m.group(0)) or not text.startswith(("年", "月"), m.end()))
        and not _is_ordinal(m, ordinals)
        for m in ANY_FIGURE.finditer(text)
    )


def _is_ordinal(match: re.Match[str], ordinal_ends: set[int]) -> bool:
    end = match.end()
    return any(end < e <= end + 2 for e in ordinal_ends)


def years_in(text: str) -> frozenset[int]:
    return frozenset(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?=年)", text))


@lru_cache(maxsize=_PER_TEXT)
def years_about(text: str) -> frozenset[int]:
    """The years a passage states figures for; "比2023年度增加" compares with a year, it is not
    about it."""
    return years_in(_COMPARED_YEAR.sub("", text))


@lru_cache(maxsize=_PER_TEXT)
def direction_of(text: str) -> str | None:
    """'up' or 'down' when the text speaks of a change one way only."""
    lexicon = load_lexicon()
    up, down = bool(lexicon.up.search(text)), bool(lexicon.down.search(text))
    return "up" if up and not down else "down" if down and not up else None


# A change word, then at most a few characters ("了", "为", "幅度"), then the figure it states.
_CHANGE_GAP = 4


@lru_cache(maxsize=_PER_TEXT)
def states_level(text: str) -> bool:
    """Some amount or percentage in the text is a level ("总计2995.39万元"), not only the size of
    a change ("减少56.95万元,下降1.87%"): a question for the level is not answered by the change."""
    lexicon = load_lexicon()
    changes = [m.end() for p in (lexicon.up, lexicon.down) for m in p.finditer(text)]
    for figure in (*AMOUNT_FIGURE.finditer(text), *PERCENT_FIGURE.finditer(text)):
        if not any(0 <= figure.start() - end <= _CHANGE_GAP for end in changes):
            return True
    return False


# A number the asker writes that is a date or a year, not a figure of the report.
_DATE_NUMBER = re.compile(r"\d+(?=\s*[年月日号])")


def quoted_figures(question: str) -> frozenset[Decimal]:
    """The figures a question quotes ("只完成了88.08%", "涨了140%"): not its years or dates,
    nor a single digit ("这3项")."""
    dates = {m.span() for m in _DATE_NUMBER.finditer(question)}
    out = set()
    for m in NUMBER.finditer(question):
        if m.span() in dates or (len(m.group(0)) == 1):
            continue
        out.add(Decimal(m.group(0).replace(",", "")))
    return frozenset(out)


def holds_quoted_figure(text: str, quoted: frozenset[Decimal]) -> bool:
    """The text states a figure the question quotes, as written or rounded as the asker rounded
    it ("88%" for 88.08%)."""
    if not quoted:
        return False
    for m in NUMBER.finditer(text):
        value = Decimal(m.group(0).replace(",", ""))
        for figure in quoted:
            exponent = figure.as_tuple().exponent
            places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
            if value == figure or value.quantize(places, ROUND_HALF_UP) == figure:
                return True
    return False


@lru_cache(maxsize=_PER_TEXT)
def states_change(text: str) -> bool:
    """The text speaks of a change, either way."""
    lexicon = load_lexicon()
    return bool(lexicon.up.search(text) or lexicon.down.search(text))


@lru_cache(maxsize=_PER_TEXT)
def states_cause(text: str) -> bool:
    return bool(load_lexicon().cause.search(text))
