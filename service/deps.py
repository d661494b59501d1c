"""FastAPI dependencies as named aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from service.context import ServiceContext


def get_context(request: Request) -> ServiceContext:
    return cast(ServiceContext, request.app.state.context)


ContextDep = Annotated[ServiceContext, Depends(get_context)]
