"""create_app(settings): the FastAPI app, built by a factory so callers own its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.config import ServiceSettings
from service.context import ServiceContext
from service.conversation.session import Conversations, TopicCache
from service.errors import install_error_handlers
from service.jobs import Jobs, start
from service.limits import LimitSettings, LimitsMiddleware
from service.routes import admin, ask, openai_compat, page, reports, search, stream, summary


def create_app(
    settings: ServiceSettings | None = None, context: ServiceContext | None = None
) -> FastAPI:
    """The reportqa HTTP app; pass a ready context to share loaded models (tests, CLI)."""
    ctx = context or ServiceContext(settings or ServiceSettings.from_env())
    jobs = Jobs(ctx)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model, build the index and the records before the first request, not during it
        # (on an empty store: load the model, then ingest the first-run reports in the background).
        start(ctx, jobs)
        yield
        jobs.close()

    app = FastAPI(
        title="reportqa",
        description="Questions over Chinese budget reports, answered with cited passages.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.context = ctx
    app.state.jobs = jobs
    app.state.conversations = Conversations(ctx.settings.max_conversations)
    app.state.chat_topics = TopicCache(ctx.settings.max_conversations)
    install_error_handlers(app)
    app.add_middleware(LimitsMiddleware, limits=limit_settings(ctx.settings))
    if ctx.settings.cors_origins:  # added last, so outermost: refusals carry CORS headers too
        # Bearer tokens, never cookies: allowing an origin lends it no one's credentials.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(ctx.settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.include_router(ask.router)
    app.include_router(search.router)
    app.include_router(stream.router)
    app.include_router(reports.router)
    app.include_router(summary.router)
    app.include_router(admin.router)
    app.include_router(openai_compat.router)
    page.install(app)
    return app


def create_worker_app() -> FastAPI:
    """The app of one of several worker processes (`reportqa serve --workers N`), from env.

    No first-run ingest: every worker would start one at once on the same empty store."""
    return create_app(ServiceSettings.from_env().model_copy(update={"first_run_reports": None}))


def limit_settings(settings: ServiceSettings) -> LimitSettings:
    """The request limits of `settings`; an upload may carry up to MAX_FILES files at the limit."""
    return LimitSettings(
        rate_per_minute=settings.rate_per_minute,
        rate_burst=settings.rate_burst,
        max_body_bytes=settings.max_body_kb * 1024,
        max_upload_request_bytes=settings.max_upload_bytes * admin.MAX_FILES + 2**20,
        timeout_seconds=settings.request_timeout_s,
    )
