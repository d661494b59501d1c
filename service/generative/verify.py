"""A model's reply checked sentence by sentence against the numbered passages it was given.

Pure functions, no model: `parse_reply` splits a reply into sentences with their [n] markers;
`check_reply` keeps a sentence only if it cites passages that were given and every number it
states is in a cited passage after unit normalisation, not labelled with what the passage states
for another figure (基本支出 and 项目支出 swapped) — figures only from the passages the
extractive path accepted (`anchored`), so text that merely sat nearby (or tries to instruct the
model) can never supply a figure. The reply as a whole stands only if it still states the
extractive answer's leading figure and cites every passage it accepted; otherwise the caller
falls back to that answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from service.answering.answer import NOT_FOUND
from service.generative.figures import StatedFigure, other_numbers, stated_figures, supports

MAX_REPLY_CHARS = 4000  # a reply longer than any short answer is not one
_MARKER = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,,、]\s*\d{1,3})*)\s*[\]】]")
# Markers written after the full stop ("…万元。[1]") belong to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(r"([。!?!?;;])((?:\s*[\[【][\d\s,,、]+[\]】])+)")
_SENTENCE = re.compile(r"[^。!?!?;;\n]+[。!?!?;;]*")
_EDGE = re.compile(r"^[\s,,、]+|\s+$")
_PUNCTUATION_ONLY = re.compile(r"^[\s。.!!??;;]*$")


@dataclass(frozen=True)
class Passage:
    """A numbered passage the model read; `anchored`: accepted and verified by the extractive
    path, so a figure may be stated from it."""

    number: int
    text: str
    anchored: bool


@dataclass(frozen=True)
class Sentence:
    """One sentence of a reply: its text without markers and the passages it cites."""

    text: str
    cites: tuple[int, ...]


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: str


@dataclass(frozen=True)
class CheckedReply:
    """The sentences that passed, those dropped with why, and a reason to fall back (or None)."""

    kept: list[Sentence] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    fallback: str | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.kept)


def parse_reply(reply: str) -> list[Sentence]:
    """The reply's sentences, each with the passage numbers of its [n] markers, in order.

    Models often cite once at the end of a paragraph ("A。B[1]。"): a sentence without markers
    takes those of the next sentence on its line, whose passages must then hold its numbers too.
    """
    sentences: list[Sentence] = []
    for line in reply.strip().splitlines():
        moved = _MARKERS_AFTER_STOP.sub(r"\2\1", line)
        on_line: list[Sentence] = []
        for match in _SENTENCE.finditer(moved):
            piece = match.group(0)
            cites = tuple(
                dict.fromkeys(
                    int(n)
                    for m in _MARKER.finditer(piece)
                    for n in re.split(r"[,,、\s]+", m[1])
                    if n
                )
            )
            text = _EDGE.sub("", _MARKER.sub("", piece))
            if not _PUNCTUATION_ONLY.match(text):
                on_line.append(Sentence(text, cites))
        sentences += _inherit(on_line)
    return sentences


def _inherit(line: list[Sentence]) -> list[Sentence]:
    """Unmarked sentences take the markers of the next marked sentence of their line."""
    out: list[Sentence] = []
    following: tuple[int, ...] = ()
    for sentence in reversed(line):
        following = sentence.cites or following
        out.append(Sentence(sentence.text, sentence.cites or following))
    return out[::-1]


def is_refusal(reply: str) -> bool:
    """The reply is the fixed refusal phrase (with punctuation or markers at most)."""
    return re.sub(r"[\s。.!!]+$", "", _MARKER.sub("", reply).strip()) == NOT_FOUND


def sentence_problem(
    sentence: Sentence,
    passages: dict[int, Passage],
    allowed: Collection[str] = (),
) -> str | None:
    """Why a sentence cannot stand, or None. `allowed` holds normalised numbers it may state
    without a passage: the question's own (a year asked about), numbers the extractive answer
    computed from its quotes."""
    if not sentence.cites:
        return "cites no passage"
    unknown = [n for n in sentence.cites if n not in passages]
    if unknown:
        return "cites " + ", ".join(f"[{n}]" for n in unknown) + ", which was not given"
    cited = [passages[n] for n in sentence.cites]
    anchored = [p for p in cited if p.anchored]
    figures = stated_figures(sentence.text)
    if figures and not anchored:
        return "states a figure but cites only context passages"
    source: list[StatedFigure] = [f for p in anchored for f in stated_figures(p.text)]
    for figure in figures:
        if not supports(figure, source) and not _allowed(figure, allowed):
            return f"states {figure.raw}, which no cited passage holds"
    quoted = set().union(*(other_numbers(p.text, stated_figures(p.text)) for p in cited))
    quoted |= {str(int(f.written)) if f.written.is_integer() else str(f.written) for f in source}
    for number in sorted(other_numbers(sentence.text, figures) - quoted - set(allowed)):
        return f"states {number}, which no cited passage holds"
    return None


def _allowed(figure: StatedFigure, allowed: Collection[str]) -> bool:
    written = figure.written
    return (str(int(written)) if written.is_integer() else str(written)) in allowed


def check_reply(
    reply: str,
    passages: Sequence[Passage],
    required: Sequence[StatedFigure] = (),
    allowed: Collection[str] = (),
) -> CheckedReply:
    """Every sentence checked; the reply falls back when nothing passes, when it refuses, or
    when the kept sentences lose part of the extractive answer: a `required` figure (its leading
    one) no longer stated, or an anchored passage (one part of the answer) no longer cited."""
    if not reply.strip():
        return CheckedReply(fallback="the model returned nothing")
    if len(reply) > MAX_REPLY_CHARS:
        return CheckedReply(fallback=f"the reply is longer than {MAX_REPLY_CHARS} characters")
    if is_refusal(reply):
        return CheckedReply(fallback="the model refused, but an accepted passage answers")
    numbered = {p.number: p for p in passages}
    kept: list[Sentence] = []
    dropped: list[Dropped] = []
    for sentence in parse_reply(reply):
        problem = sentence_problem(sentence, numbered, allowed)
        if problem is None:
            kept.append(sentence)
        else:
            dropped.append(Dropped(sentence.text, problem))
    if not kept:
        reason = dropped[0].reason if dropped else "no sentence could be read"
        return CheckedReply([], dropped, f"no sentence passed verification ({reason})")
    stated = [f for s in kept for f in stated_figures(s.text)]
    missing = [f.raw for f in required if not supports(f, stated)]
    if missing:
        return CheckedReply(
            kept, dropped, "the verified sentences leave out " + ", ".join(dict.fromkeys(missing))
        )
    uncited = sorted(
        {p.number for p in passages if p.anchored} - {n for s in kept for n in s.cites}
    )
    if uncited:
        return CheckedReply(
            kept,
            dropped,
            "the verified sentences cite no "
            + ", ".join(f"[{n}]" for n in uncited)
            + " (a part of the answer is lost)",
        )
    return CheckedReply(kept, dropped)
