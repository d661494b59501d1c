"""create_app(settings): the FastAPI app, built by a factory so callers own its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.config import ServiceSettings
from service.context import ServiceContext
from service.errors import install_error_handlers
from service.routes import ask, reports, search


def create_app(
    settings: ServiceSettings | None = None, context: ServiceContext | None = None
) -> FastAPI:
    """The reportqa HTTP app; pass a ready context to share loaded models (tests, CLI)."""
    ctx = context or ServiceContext(settings or ServiceSettings.from_env())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model, build the index and the records before the first request, not during it.
        ctx.warm_up()
        yield

    app = FastAPI(
        title="reportqa",
        description="Questions over Chinese budget reports, answered with cited passages.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.context = ctx
    install_error_handlers(app)
    app.include_router(ask.router)
    app.include_router(search.router)
    app.include_router(reports.router)
    return app
