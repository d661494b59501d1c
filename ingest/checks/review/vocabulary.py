"""The review's vocabulary, read once from `data/template.toml`: report kinds, standard tables and
说明 sections, identities, statements tied to cells, and the word patterns the text checks use."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "template.toml"
# What a stated amount looks like in a statement pattern's {N}.
AMOUNT = (
    r"\s*(?:为|是|达|共计|合计|:|:)?\s*"
    r"(?P<n>-?\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|千元|元)"
)


@dataclass(frozen=True)
class Kind:
    name: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class StandardTable:
    family: str
    name: str
    aliases: tuple[str, ...]
    order: int
    required: bool = True


@dataclass(frozen=True)
class CellRef:
    """A cell named by table, row label (occurrence-th in its row) and column header pattern."""

    table: str
    row: str | None
    column: re.Pattern[str] | None
    occurrence: int
    optional: bool = False  # a row some tables lack, which then counts as 0


@dataclass(frozen=True)
class Identity:
    family: str
    name: str
    total: CellRef
    parts: tuple[CellRef, ...]


@dataclass(frozen=True)
class ClassTie:
    family: str
    summary: str
    rows: str
    column: re.Pattern[str]
    summary_column: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Economic:
    family: str
    table: str
    personnel: tuple[str, ...]
    public: tuple[str, ...]


@dataclass(frozen=True)
class SideSum:
    family: str
    table: str
    total: str
    occurrence: int
    column: re.Pattern[str] | None


@dataclass(frozen=True)
class Statement:
    family: str
    text: re.Pattern[str]
    section: re.Pattern[str] | None
    cell: CellRef


@dataclass(frozen=True)
class Vocabulary:
    kinds: tuple[Kind, ...]
    families: dict[str, str]
    tables: tuple[StandardTable, ...]
    sections: dict[str, tuple[str, ...]]
    identities: tuple[Identity, ...]
    class_ties: tuple[ClassTie, ...]
    economic: tuple[Economic, ...]
    coded_tables: dict[str, tuple[str, ...]]
    side_sums: tuple[SideSum, ...]
    statements: tuple[Statement, ...]
    structure: dict[str, Any]
    text: dict[str, Any]
    years: dict[str, Any]
    wording: dict[str, Any]

    def tables_of(self, family: str | None) -> list[StandardTable]:
        return [t for t in self.tables if t.family == family]


def _cell(data: dict[str, Any]) -> CellRef:
    column = data.get("column")
    return CellRef(
        table=data["table"],
        row=data.get("row"),
        column=re.compile(f"(?:{column})$") if column else None,
        occurrence=int(data.get("occurrence", 1)),
        optional=bool(data.get("optional", False)),
    )


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary file, parsed and compiled once."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    order: dict[str, int] = {}
    tables = []
    for entry in data["table"]:
        order[entry["family"]] = order.get(entry["family"], 0) + 1
        tables.append(
            StandardTable(
                entry["family"],
                entry["name"],
                tuple(entry["aliases"]),
                order[entry["family"]],
                bool(entry.get("required", True)),
            )
        )
    return Vocabulary(
        kinds=tuple(Kind(k["name"], tuple(map(re.compile, k["patterns"]))) for k in data["kind"]),
        families=dict(data["families"]),
        tables=tuple(tables),
        sections={k: tuple(v) for k, v in data["sections"].items()},
        identities=tuple(
            Identity(i["family"], i["name"], _cell(i["total"]), tuple(map(_cell, i["parts"])))
            for i in data["identity"]
        ),
        class_ties=tuple(
            ClassTie(
                c["family"],
                c["summary"],
                c["rows"],
                re.compile(f"(?:{c['column']})$"),
                re.compile(f"(?:{c['summary_column']})$") if c.get("summary_column") else None,
            )
            for c in data["class_tie"]
        ),
        economic=tuple(
            Economic(e["family"], e["table"], tuple(e["personnel"]), tuple(e["public"]))
            for e in data["economic"]
        ),
        coded_tables={k: tuple(v) for k, v in data["coded_tables"].items()},
        side_sums=tuple(
            SideSum(
                d["family"],
                d["table"],
                d["total"],
                int(d.get("occurrence", 1)),
                re.compile(f"(?:{d['column']})$") if d.get("column") else None,
            )
            for d in data["side_sum"]
        ),
        statements=tuple(
            Statement(
                s["family"],
                re.compile(s["text"].replace("{N}", AMOUNT)),
                re.compile(s["section"]) if s.get("section") else None,
                _cell(s["cell"]),
            )
            for s in data["statement"]
        ),
        structure=data["structure"],
        text=data["text"],
        years=data["years"],
        wording=data["wording"],
    )
