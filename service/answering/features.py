"""The named features of a (question part, candidate) pair that the fitted scorer weighs.

Every feature is a number in [0, 1]. They say how much of the question the passage holds (its own
words, its context, the specific words), whether it fits the question's year, direction and kind
of figure, whether it states a cause when one is asked, and for a table cell whether its row and
its column are the ones the question names. Pure functions: no model, no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.tables import split_cells
from service.answering.candidates.model import Candidate
from service.answering.lexicon import load_lexicon
from service.answering.passage_text import (
    AMOUNT_FIGURE,
    ANY_FIGURE,
    PERCENT_FIGURE,
    count_figure,
    direction_of,
    has_figure,
    holds_quoted_figure,
    states_cause,
    states_change,
    states_level,
    years_about,
    years_in,
)
from service.answering.question import Question, QuestionPart
from service.answering.terms import QuestionTerms, coverage_split, key_coverage
from service.answering.verify import numbers_in

FEATURES = (
    "coverage_own",  # share of the question's term weight in the passage's own words
    "coverage_context",  # share found only in its section or table title
    "key_coverage",  # share of the specific words (not generic) in the passage or its context
    "key_own",  # share of the specific words in the passage's own text
    "retrieval_rank",  # 1 for the first retrieved chunk, falling with rank
    "year_fit",  # the passage is about the asked year (or no year is asked)
    "year_named",  # the passage names the asked year itself
    "direction_fit",  # it does not speak of a change the other way
    "has_figure",
    "wanted_figure",  # it holds the kind of figure asked (amount, percent, count)
    "cause_for_why",  # a why-question and the passage states a cause
    "cause_otherwise",  # not a why-question and the passage states a cause
    "subject_before_cause",  # a stated cause explains the subject asked, not something else
    "is_row",
    "is_cell",
    "cell_row_fit",  # share of the specific words named by the cell's row label
    "cell_column_fit",  # share of the cell's column-header words the question names
    "cell_unnamed_column",  # the question names no column word of the cell at all
    "total_row",
    "two_sentences",
    "figure_density",  # many numbers in one passage: less likely to be the one asked
    "label_without_value",  # a row naming the asked item, whose figure belongs to another label
    "change_unasked",  # the passage states a change (增加/减少) that this part does not ask about
    "change_asked",  # this part asks about a change and the passage states one
    "bigram_coverage",  # share of the part's character pairs (less asking words) in the passage
    "row_verbatim",  # a cell's or row's label is written out in the question
    "column_verbatim",  # a cell's column header is written out in the question
    "key_near_figure",  # a specific word the passage shares stands close before a figure
    "counted_fit",  # a count is asked in a measure word (几辆) and the passage states one in it
    "change_only",  # this part asks no change; every figure the passage states is a change's size
    "change_unstated",  # this part asks about a change; the passage states none
    "quoted_figure",  # the passage states a figure the question quotes ("只完成88.08%,为什么")
    "last_year_fit",  # this part compares with the year before and the passage names that year
    "label_unasked",  # share of the specific words labelling the figure that the question lacks
)
# a row's cells are separated by " | " (text and forms) or tabs (PDF tables)
_TOTAL_ROW = re.compile(r"(?:^|\| |\t)(?:合\s*计|总\s*计|[\u4e00-\u9fff]{0,6}合计)(?: \||\t|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RANK_SCALE = 10.0


def featurize(
    question: Question, part: QuestionPart, candidate: Candidate, report_year: int | None
) -> list[float]:
    """The feature vector (in `FEATURES` order) of one candidate for one part of a question."""
    terms = part.terms
    own, context = coverage_split(terms, candidate.tokens, candidate.free, candidate.context)
    text = candidate.text
    is_cell = candidate.kind == "cell"
    stated = years_about(text) or years_about(" ".join(candidate.chunk.section_path[-1:]))
    year_fit = _year_fit(question.years, stated, report_year)
    cause = states_cause(text)
    passage_direction = direction_of(text) if not is_cell else None
    changes = not is_cell and states_change(text)
    figure_text = candidate.cell.raw if candidate.cell else text
    row_fit, column_fit = _cell_fit(terms, candidate) if is_cell else (0.0, 0.0)
    return [
        own,
        context,
        key_coverage(terms, candidate.free | candidate.context),
        key_coverage(terms, candidate.own | (candidate.cell_row if is_cell else frozenset())),
        1.0 / (1.0 + candidate.rank / _RANK_SCALE),
        year_fit,
        float(bool(question.years & stated)),
        float(_direction_fits(text, question.direction)),
        float(is_cell or has_figure(text)),  # a cell is a figure, "0" too
        float(_holds_wanted(candidate, part.wanted)),
        float(question.asks_why and cause),
        float(not question.asks_why and cause),
        float(_explains_the_subject(text, terms, candidate.context)),
        float(candidate.kind == "row"),
        float(is_cell),
        row_fit,
        column_fit,
        float(is_cell and column_fit == 0.0),
        float(bool(_TOTAL_ROW.search(text))),
        float(candidate.sentences > 1),
        _figure_density(text),
        float(candidate.kind != "sentence" and not _row_has_value_for(text, terms)),
        float(part.direction is None and passage_direction is not None),
        float(part.direction is not None and passage_direction is not None),
        _bigram_coverage(part.bigrams, _named_text(candidate)),
        float(_label_written_out(question.subject or question.text, candidate)),
        float(is_cell and _column_written_out(question.subject or question.text, candidate)),
        1.0 if is_cell else _key_near_figure(terms, text),
        float(part.counted is not None and _states_count_in(candidate, part.counted)),
        float(part.direction is None and not is_cell and changes and not states_level(text)),
        float(part.direction is not None and not is_cell and not changes),
        float(holds_quoted_figure(figure_text, question.figures)),
        float(part.against_last_year and _names_last_year(text, report_year)),
        _label_unasked(question.subject or question.text, terms, candidate),
    ]


def _names_last_year(text: str, report_year: int | None) -> bool:
    """The passage speaks of the year before its report's: 上年, or that year's number."""
    if load_lexicon().last_year.search(text):
        return True
    return report_year is not None and (report_year - 1) in years_in(text)


@lru_cache(maxsize=1 << 15)
def _figure_density(text: str) -> float:
    """Many numbers in one passage: less likely to be the one asked (remembered per text, as
    the passage properties of passage_text are)."""
    return min(1.0, math.log1p(len(numbers_in(text))) / 3.0)


_NEAR = 12.0  # characters: "津贴补贴1,238.58" is near; "…、津贴补贴、绩效工资…等" is not


def _key_near_figure(terms: QuestionTerms, text: str) -> float:
    """How close the nearest figure follows a specific word of the question in the passage (1 at
    once, falling with distance; 0 when no specific word is there): an item named in a list
    ("主要包括:…培训费…") is not the item a figure states."""
    best = 0.0
    for word in terms.key_words:
        at = text.find(word)
        if at < 0:
            continue
        figure = ANY_FIGURE.search(text, at + len(word))
        if figure is not None:
            best = max(best, 1.0 / (1.0 + (figure.start() - at - len(word)) / _NEAR))
    return best


def _label_unasked(question: str, terms: QuestionTerms, candidate: Candidate) -> float:
    """Of the specific words that label a cell's or a row's figure, the share the question does
    not name: "面向中小企业预留" labels a narrower figure than the "政府采购" asked for. A row
    of label/value groups side by side ("津贴补贴 | 39.72 | 印刷费 | 0.00") is judged by its
    label the question names best."""
    if candidate.cell is not None:
        return _unasked_share(question, terms, candidate.cell_row)
    if candidate.kind != "row":
        return 0.0
    labels = [c for c in split_cells(candidate.text) if _CJK.search(c)]
    shares = [
        _unasked_share(question, terms, [w for w in candidate.own if w in label])
        for label in labels
    ]
    return min(shares, default=0.0)


def _unasked_share(question: str, terms: QuestionTerms, words: Iterable[str]) -> float:
    lexicon = load_lexicon()
    specific = [
        w
        for w in words
        if len(w) >= 2
        and not re.search(r"\d", w)
        and w not in lexicon.generic
        and w not in lexicon.stop
    ]
    if not specific:
        return 0.0
    asked = [
        w
        for w in specific
        if any(a in question for a in lexicon.alternatives(w))  # the word itself among them
        or any(terms.found_in(t, frozenset([w])) for t in terms.weights)
    ]
    return 1.0 - len(asked) / len(specific)


def _named_text(candidate: Candidate) -> str:
    """What the passage says and what names it: a cell's table title and column, a row's header,
    a sentence's section title."""
    if candidate.cell is not None:
        return " ".join([candidate.text, candidate.cell.caption or "", candidate.cell.column])
    return " ".join(
        [candidate.text, candidate.chunk.header or "", *candidate.chunk.section_path[-1:]]
    )


def _bigram_coverage(wanted: frozenset[str], text: str) -> float:
    """Character pairs are immune to word-segmentation slips ("津贴补贴" cut as 津贴/补贴)."""
    if not wanted:
        return 0.0
    return sum(1 for b in wanted if b in text) / len(wanted)


def _label_written_out(question: str, candidate: Candidate) -> bool:
    """The question writes out the label of the cell's row, or one label cell of a row."""
    if candidate.cell is not None:
        labels = [candidate.cell.row_label]
    elif candidate.kind == "row":
        labels = [c for c in split_cells(candidate.text) if _CJK.search(c)]
    else:
        return False
    return any(len(label) >= 2 and label in question for label in labels)


def _column_written_out(question: str, candidate: Candidate) -> bool:
    """The question writes out the innermost header over the cell: its column's, or, in a table
    whose one row of figures has no label (三公经费表), the header path standing for its row."""
    assert candidate.cell is not None
    cell = candidate.cell
    column = (cell.column or cell.row_label).rsplit("/", 1)[-1]
    # a word that also labels the row ("合计" of "合计行…人员经费") does not say which column
    if cell.column and column in cell.row_label:
        return False
    return len(column) >= 2 and column in question


def _year_fit(asked: frozenset[int], stated: frozenset[int], report_year: int | None) -> float:
    """A question about a year is answered by a passage about that year: one that names it, or
    names no year in a report about it. A passage naming only other years is about them."""
    if not asked:
        return 1.0
    if stated:
        return float(bool(stated & asked))
    return float(report_year is None or report_year in asked)


def _direction_fits(text: str, asked: str | None) -> bool:
    stated = direction_of(text)
    return asked is None or stated is None or stated == asked


def _states_count_in(candidate: Candidate, measure_word: str) -> bool:
    """A number in the measure word: "3辆" for 几辆; a cell by its unit."""
    if candidate.cell is not None:
        return candidate.cell.unit == measure_word
    return bool(re.search(rf"\d\s*(?:[((][^))]*[))])?{re.escape(measure_word)}", candidate.text))


def _holds_wanted(candidate: Candidate, wanted: str) -> bool:
    """The passage states the kind of figure asked for; a cell by its unit (tables state the unit
    once, in the title)."""
    if candidate.cell is not None:
        unit = candidate.cell.unit
        if wanted == "percent":
            return unit == "%"
        if wanted == "amount":
            return unit in ("元", "万元", "亿元", "千元")
        if wanted == "count":
            return unit not in (None, "%", "元", "万元", "亿元", "千元")
        return True
    pattern = {"percent": PERCENT_FIGURE, "amount": AMOUNT_FIGURE, "count": count_figure()}.get(
        wanted
    )
    if candidate.kind == "row" and wanted == "amount":
        return bool(re.search(r"\d\.\d", candidate.text))
    return pattern is None or bool(pattern.search(candidate.text))


def _cell_fit(terms: QuestionTerms, candidate: Candidate) -> tuple[float, float]:
    """How well the question names the cell's row and its column.

    Row fit: of the question's specific words that the cell's column header and table title do not
    account for, the weight share its row label holds. Column fit: the share of the column's
    words the question names.
    """
    keys = terms.key_words
    elsewhere = candidate.cell_column | candidate.context
    rest = [k for k in keys if not terms.found_in(k, elsewhere)]
    total = sum(terms.weights[k] for k in rest)
    row = (
        sum(terms.weights[k] for k in rest if terms.found_in(k, candidate.cell_row)) / total
        if total
        else 1.0
    )
    column_words = [w for w in candidate.cell_column if len(w) >= 2]
    if not column_words:
        return row, 0.0
    named = sum(
        1 for w in column_words if any(terms.found_in(t, frozenset([w])) for t in terms.weights)
    )
    return row, named / len(column_words)


def _explains_the_subject(text: str, terms: QuestionTerms, context: frozenset[str]) -> bool:
    """A cause explains what the passage states before it, or what its paragraph opens with: a
    subject named only inside the cause is not what the passage explains."""
    cause = text.find("原因")
    if cause < 0 or not terms.keys:
        return True
    # the subject is the weightiest specific word; of several alike, any (a set has no order to
    # pick one by, and picking by it made the answer depend on the process's hash seed)
    top = max(terms.weights[w] for w in terms.keys[0])
    subjects = [w for w in terms.keys[0] if terms.weights[w] == top]
    return any(w in text[:cause] or terms.found_in(w, context) for w in subjects)


def _row_has_value_for(text: str, terms: QuestionTerms) -> bool:
    """In a table row, a label the question names must have a value of its own: budget tables
    put label/value groups side by side ("301 | 08 | 养老保险缴费 | 160.75 | 302 | 06 | 电费")."""
    cells = split_cells(text)
    named = [i for i, c in enumerate(cells) if any(t in c for t in terms.weights if len(t) >= 2)]
    return not named or any(_value_follows(cells, i) for i in named)


def _value_follows(cells: list[str], index: int) -> bool:
    """A figure in the cells after `index`, before the next label (a cell with Chinese text)."""
    for cell in cells[index + 1 :]:
        if _CJK.search(cell):
            return False
        if ANY_FIGURE.search(cell) or (re.search(r"\d", cell) and "." in cell):
            return True
    return False
