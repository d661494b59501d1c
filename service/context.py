"""The objects one running reportqa shares: store, embedder, segmenter, retriever.

The CLI, the HTTP app and the evaluation all build one `ServiceContext` and call the same plain
functions with it. The embedding model is loaded on first use, so listing reports stays instant.
"""

from __future__ import annotations

from functools import cached_property

from ingest.embedding import Embedder
from ingest.models import Report
from ingest.segmenter import Segmenter
from ingest.store import ReportStore
from service.answer_cache import AnswerCache
from service.answering.candidates.cells import ReportCells, index_cells
from service.answering.scoring import Scorer, load_scorer
from service.answering.structured.findings_indicators import RecordWords, index_records
from service.compact import Sharer
from service.config import ServiceSettings
from service.records import ReportRecords, build_records
from service.retrieval.hybrid import HybridRetriever
from service.review_output import ReviewedReport, review_records


class ServiceContext:
    """Lazily built, process-wide resources for one settings object."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._reports: dict[str, Report] = {}
        self._records: dict[str, ReportRecords] = {}
        self._record_words: dict[str, RecordWords] = {}
        self._cells: dict[str, ReportCells] = {}
        self._reviewed: dict[str, ReviewedReport] = {}
        self._listed: tuple[frozenset[str], list[Report]] | None = None
        # Everything kept per report is shared through one Sharer: equal strings, word sets and
        # model field-sets recur within and across reports (see service.compact).
        self._sharer = Sharer()
        self.answers = AnswerCache(settings.answer_cache_size)

    @cached_property
    def store(self) -> ReportStore:
        return ReportStore.open(self.settings.ingest)

    @cached_property
    def embedder(self) -> Embedder:
        ingest = self.settings.ingest
        return Embedder(
            ingest.embedding_model,
            ingest.models_dir,
            ingest.embedding_batch_size,
            backend=ingest.embedding_backend,
            cache_dir=ingest.cache_dir if ingest.embedding_cache else None,
        )

    @cached_property
    def segmenter(self) -> Segmenter:
        return Segmenter(cache_dir=self.settings.ingest.cache_dir)

    def reports(self) -> list[Report]:
        """The stored reports (no text), re-read only when the set of report ids changes."""
        ids = frozenset(self.store.report_ids())
        if self._listed is None or self._listed[0] != ids:
            self._listed = (ids, self._sharer.share(self.store.list_reports()))
        return self._listed[1]

    def report(self, report_id: str) -> Report:
        """A stored report with its text, cached: an id is a hash of content, so never stale."""
        cached = self._reports.get(report_id)
        if cached is None:
            cached = self.store.get_report(report_id)
            if cached is None:
                raise KeyError(report_id)
            self._reports[report_id] = cached = self._with_listed_parts(cached)
        return cached

    def _with_listed_parts(self, report: Report) -> Report:
        """The report, its tables, pages and sections the listed copy's (the same record: an id
        names one content), so the two copies do not each hold them."""
        listed = self._listed[1] if self._listed is not None else []
        same = next((r for r in listed if r.id == report.id), None)
        if same is None:
            return self._sharer.share(report)
        return same.model_copy(update={"text": report.text})

    def records(self, report_id: str) -> ReportRecords:
        """A report's figures, indicators and findings, built on first use and kept."""
        cached = self._records.get(report_id)
        if cached is None:
            records = self._sharer.share(build_records(self.report(report_id)))
            cached = self._records[report_id] = records
        return cached

    def record_words(self, report_id: str) -> RecordWords:
        """A report's records with their words segmented, for matching questions to them."""
        cached = self._record_words.get(report_id)
        if cached is None:
            report, records = self.report(report_id), self.records(report_id)
            indexed = self._sharer.share(index_records(self.segmenter, report, records))
            cached = self._record_words[report_id] = indexed
        return cached

    def cells(self, report_id: str) -> ReportCells:
        """A report's table cells with their words segmented, for cell candidates."""
        cached = self._cells.get(report_id)
        if cached is None:
            report, records = self.report(report_id), self.records(report_id)
            cells = self._sharer.share(index_cells(self.segmenter, report, records.figures))
            cached = self._cells[report_id] = cells
        return cached

    def reviewed(self, report_id: str) -> ReviewedReport:
        """A report's disclosure review (its issues), run on first use and kept."""
        cached = self._reviewed.get(report_id)
        if cached is None:
            report, records = self.report(report_id), self.records(report_id)
            cached = self._reviewed[report_id] = review_records(report, records)
        return cached

    def warm_up(self) -> None:
        """Load the model, build the search index and every report's records before serving."""
        self.retriever.refresh()
        self.embedder.embed_query("预热")
        for listed in self.reports():
            self.record_words(listed.id)
            self.cells(listed.id)

    @cached_property
    def scorer(self) -> Scorer:
        """The fitted candidate scorer (the shipped one unless `REPORTQA_SCORER_FILE` names one)."""
        return load_scorer(self.settings.scorer_file)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.store, self.embedder, self.segmenter)
