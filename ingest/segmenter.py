"""Chinese word segmentation (分词) for BM25: an owned jieba tokenizer with budget terms.

jieba's module-level functions share one global dictionary; reportqa owns a `jieba.Tokenizer`
instance instead, so adding budget terms never changes anybody else's segmentation, and its prefix
cache lives in our data folder rather than in /tmp.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

import jieba

_TERMS_RESOURCE = "budget_terms.txt"
# Tokens made only of punctuation, symbols or white space carry no retrieval signal.
_NOISE = re.compile(r"^[\s\W_]+$", re.UNICODE)
_HIGH_FREQ = 200_000  # high enough that jieba keeps a listed term whole inside longer runs
# Quote marks split terms ("“三公”经费"); thousands separators split numbers ("2,940.05").
_QUOTES = re.compile(r"[“”‘’\"'「」『』]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


# "2026年收入" must not become the word 年收入 (annual income): the 年 belongs to the year.
_YEAR_GLUE = re.compile(r"(?<=\d{4}年)(?=[\u4e00-\u9fff])(?!度)")


def _prepare(text: str) -> str:
    """Remove marks that split a term or a number, and keep a year's 年 off the next word."""
    return _YEAR_GLUE.sub(" ", _THOUSANDS.sub("", _QUOTES.sub("", text)))


def load_budget_terms() -> list[str]:
    """The budget-term dictionary (预算绩效术语) shipped beside this module."""
    raw = resources.files("ingest.data").joinpath(_TERMS_RESOURCE).read_text(encoding="utf-8")
    terms = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.split()[0])
    return terms


class Segmenter:
    """Segments Chinese text into search tokens with budget terms kept whole."""

    def __init__(self, cache_dir: Path | None = None, extra_terms: list[str] | None = None) -> None:
        self._tokenizer = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._tokenizer.tmp_dir = str(cache_dir)
        self.terms = load_budget_terms() + list(extra_terms or [])
        self._tokenizer.initialize()
        for term in self.terms:
            self._tokenizer.add_word(term, freq=_HIGH_FREQ)

    def cut(self, text: str) -> list[str]:
        """Words of `text` in order (precise mode), punctuation and spaces dropped."""
        return [w for w in self._tokenizer.cut(_prepare(text), HMM=True) if not _NOISE.match(w)]

    def tokenize(self, text: str) -> list[str]:
        """BM25 tokens: search-mode words (a long term and its parts), lower-cased, noise dropped.

        Search mode emits both 预算执行率 and 预算 / 执行率, so a question that names only a part
        still meets the chunk that names the whole.
        """
        # interned: the search index keeps every chunk sentence's tokens, and a word shared by
        # thousands of chunks is then one string, not one per occurrence
        return [
            sys.intern(w.lower())
            for w in self._tokenizer.cut_for_search(_prepare(text), HMM=True)
            if not _NOISE.match(w)
        ]

    def free_tokens(self, text: str) -> list[str]:
        """Search tokens, less the parts that begin one character into a longer word.

        Such a part is the tail of a compound whose first character is a coordinate item:
        "水电费" and "邮电费" are not "电费", "差旅费" is not "旅费". A part behind a longer
        modifier ("日常公用经费" → 公用经费, "重新犯罪率" → 犯罪率) still names the same thing.
        """
        prepared = _prepare(text)
        word_start_at: dict[int, int] = {}
        for _, start, end in self._tokenizer.tokenize(prepared, HMM=True):
            for i in range(start, end):
                word_start_at[i] = start
        return [
            sys.intern(w.lower())
            for w, start, _ in self._tokenizer.tokenize(prepared, mode="search", HMM=True)
            if start - word_start_at.get(start, start) != 1 and not _NOISE.match(w)
        ]
