"""The disclosure review of one or many reports, as reviewers read it: a summary row per report,
then the issues by severity, as a terminal table, CSV (UTF-8 with BOM), JSON or XLSX.

Used by `reportqa check` and `GET /reports/{id}/checks`; the review itself is
`ingest.checks.review` (pure), run here on a report's cached records.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.checks.review import FAMILY_NAMES, Issue, detect_kind, review_report
from ingest.models import Report
from service.records import ReportRecords

SEVERITIES = ("确定", "疑似", "提示")
COLUMNS = ("报告", "类型", "年度", "严重程度", "类别", "规则", "审核意见", "依据(原文与页码)")


@dataclass(frozen=True)
class ReviewedReport:
    report: Report
    kind: str | None
    issues: list[Issue]
    records: ReportRecords

    def by_severity(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for issue in self.issues:
            counts[issue.severity] += 1
        return counts

    @property
    def name(self) -> str:
        return Path(self.report.file_name).stem or self.report.id


def review_records(report: Report, records: ReportRecords) -> ReviewedReport:
    """The review of a report whose records (figures, existing findings) are built."""
    issues = review_report(report, records.figures, records.findings)
    return ReviewedReport(report, detect_kind(report), issues, records)


def cited(issue: Issue) -> str:
    """Each quote an issue rests on, with its page: "决算数大于预算数 (p.21)"."""
    return " | ".join(
        f"{e.role}: {e.quote}" + (f" (p.{e.position.page})" if e.position.page else "")
        for e in issue.evidence
    )


def summary_text(reviewed: ReviewedReport) -> str:
    counts = reviewed.by_severity()
    return ",".join(f"{s} {counts[s]}" for s in SEVERITIES)


def rows(reviewed: list[ReviewedReport]) -> list[list[str]]:
    """A summary row per report, then its issues most severe first."""
    out: list[list[str]] = []
    for item in reviewed:
        year = str(item.report.year or "")
        out.append([item.name, item.kind or "", year, "汇总", "", "", summary_text(item), ""])
        for issue in item.issues:
            out.append(
                [
                    item.name,
                    item.kind or "",
                    year,
                    issue.severity,
                    FAMILY_NAMES[issue.family],
                    issue.rule,
                    issue.message,
                    cited(issue),
                ]
            )
    return out


def as_csv(reviewed: list[ReviewedReport]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(reviewed))
    return buffer.getvalue()


def as_json(reviewed: list[ReviewedReport]) -> str:
    data: list[dict[str, Any]] = [
        {
            "report": {
                "id": item.report.id,
                "title": item.report.title,
                "file": item.report.file_name,
                "kind": item.kind,
                "year": item.report.year,
            },
            "by_severity": item.by_severity(),
            "issues": [i.model_dump(mode="json") for i in item.issues],
        }
        for item in reviewed
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def xlsx_bytes(reviewed: list[ReviewedReport]) -> bytes:
    """Two sheets: 汇总 (a row per report) and 审核意见 (every issue, most severe first)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append(["报告", "标题", "类型", "年度", *SEVERITIES])
    for item in reviewed:
        counts = item.by_severity()
        summary.append(
            [
                item.name,
                item.report.title,
                item.kind or "",
                item.report.year,
                *(counts[s] for s in SEVERITIES),
            ]
        )
    sheet = book.create_sheet("审核意见")
    sheet.append(list(COLUMNS))
    for row in rows(reviewed):
        if row[3] != "汇总":
            sheet.append(row)
    for ws in (summary, sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (28, 10, 6, 8, 16, 20, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells[6:8]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
