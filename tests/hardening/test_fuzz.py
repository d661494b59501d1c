"""Fuzzing every route from the app's own OpenAPI spec (schemathesis, in-process ASGI): no
generated request may get a server error, and every error is the one JSON shape."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import ingest_file
from ingest.segmenter import Segmenter
from service.app import create_app
from service.config import ServiceSettings
from service.context import ServiceContext
from tests.conftest import make_context
from tests.hardening.badfiles import REPORT_TEXT
from tests.live import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
EXAMPLES_PER_ROUTE = 6  # x ~25 operations: about a minute on this machine


# The spec is read when the module is collected, so the app is made then: on a folder of its own
# (never the checkout's data/) and without the first-run ingest of the bundled reports; the
# fixture below fills its store before the first generated request.
CONTEXT = ServiceContext(
    ServiceSettings(
        ingest=IngestSettings(data_dir=Path(tempfile.mkdtemp(prefix="reportqa-fuzz-"))),
        admin_token=ADMIN_TOKEN,
        rate_per_minute=0,
        first_run_reports=None,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(context=CONTEXT))


@pytest.fixture(scope="module", autouse=True)
def one_report_stored(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> None:
    """The app's store: one small report, the session's model."""
    folder = tmp_path_factory.mktemp("fuzz")
    ready = make_context(folder / "data", model_cache, embedder, segmenter)
    CONTEXT.settings = CONTEXT.settings.model_copy(update={"ingest": ready.settings.ingest})
    CONTEXT.__dict__["embedder"] = embedder
    CONTEXT.__dict__["segmenter"] = segmenter
    report = folder / "dali.txt"
    report.write_text(REPORT_TEXT, encoding="utf-8")
    settings = CONTEXT.settings.ingest
    assert ingest_file(report, settings, CONTEXT.store, embedder).status == "ingested"
    CONTEXT.warm_up()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers=AUTH)
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["status"] == response.status_code and error["code"] and error["message"]
