"""A question's text as every later step reads it: traditional → simplified (OpenCC), full-width
→ half-width, spaces between Chinese words dropped (one between two asking parts kept as a
question mark), short years and month ends written as reports write them, English budget phrases
glossed into Chinese. Pure functions."""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import cache

from service.answering.lexicon import Lexicon, load_lexicon

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_LATIN = re.compile(r"[A-Za-z]")


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def normalise_question(text: str, lexicon: Lexicon | None = None) -> str:
    """Traditional → simplified (OpenCC), full-width → half-width, spaces between Chinese words
    dropped, English budget phrases glossed into Chinese."""
    lexicon = lexicon or load_lexicon()
    text = unicodedata.normalize("NFKC", text).strip()
    text = str(_converter().convert(text))  # type: ignore[attr-defined]
    if len(_LATIN.findall(text)) > len(text) / 3:  # an English question
        lowered = text.lower()
        for english, chinese in lexicon.glossary_en:
            lowered = re.sub(rf"\b{re.escape(english)}\b", chinese, lowered)
        # words the glossary does not know ("the", "did") would only dilute the subject terms
        text = re.sub(r"[a-z]+(?:[-'][a-z]+)*", " ", lowered)
        text = re.sub(r"(?<!\d)((?:19|20)\d{2})(?![\d年])", r"\1年", text)  # "in 2024"
        # the glossed words stay apart: joined, "区 财政局" of "… District Finance Bureau" would
        # read as one body's name with the words before it
        return re.sub(r"\s+", " ", text).strip()
    return _join_gaps(_month_ends(_full_years(text)), lexicon)


# "24年" of "财政局24年收支": a year written short; "近20年", "第15年" count years instead.
_SHORT_YEAR = re.compile(r"(?<![\d.近前过去多几每第])(1[5-9]|[23]\d)(?=年)")


def _full_years(text: str) -> str:
    """A two-digit year as reports write it: "26年" → "2026年"."""
    return _SHORT_YEAR.sub(r"20\1", text)


def _month_ends(text: str) -> str:
    """ "9月底"/"9月末" as reports write the date: "9月30日" (a stated year decides February)."""
    year = next((int(y) for y in _YEAR.findall(text)), 2001)

    def last_day(match: re.Match[str]) -> str:
        month = int(match.group(1))
        return f"{month}月{calendar.monthrange(year, month)[1]}日"

    return re.sub(r"(?<!\d)(1[0-2]|0?[1-9])月(?:底|末)", last_day, text)


def _join_gaps(text: str, lexicon: Lexicon) -> str:
    """Spaces between Chinese words are dropped, except one between two asking parts ("编制多少人
    年末实有多少人"), which ends the first part as a question mark would."""
    pieces = _CJK_GAP.split(text)
    out = pieces[0]
    for piece in pieces[1:]:
        asks_both = lexicon.asking.search(out.rsplit("?", 1)[-1]) and lexicon.asking.search(piece)
        out += ("?" if asks_both else "") + piece
    return out
