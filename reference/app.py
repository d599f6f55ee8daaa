"""The FastAPI reference for meibel-mock's differential suite.

A minimal FastAPI application declaring exactly the List Sessions operation
of the Meibel AI API (openapi/meibel-api-v2.list-sessions.yaml) the way
docs/fidelity.md states it: an APIRouter included with
prefix="/v2", the five query parameters in declaration order, APIKeyHeader
security and response_model=SessionListResponse. It has no data: the handler
answers an empty list.

Outside /v2 it serves one helper for the suite, POST /__judge/session-list,
which checks that a 200 body of the emulator is valid for these pydantic
models and reports how pydantic re-serializes it.

Run: reference/.venv/bin/python -m uvicorn app:app --app-dir reference --http h11
"""

from datetime import datetime
from typing import Any, Optional

from fastapi import APIRouter, FastAPI, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, TypeAdapter, ValidationError


class SessionSummary(BaseModel):
    session_id: str
    status: str
    start_time: datetime
    end_time: Optional[datetime] = None
    agent_name: Optional[str] = None
    agent_version: Optional[str] = None
    messages_count: int = 0
    token_usage: Optional[dict[str, Any]] = None
    result: list[dict[str, Any]] = []


class SessionListResponse(BaseModel):
    data: list[SessionSummary]
    total: int


router = APIRouter()


@router.get(
    "/agents/{agent_id}/sessions",
    response_model=SessionListResponse,
    tags=["Agents"],
    summary="List Sessions",
    operation_id="listSessions",
)
async def list_sessions(
    agent_id: str,
    offset: int = Query(0, ge=0, description="Number of items to skip"),
    limit: Optional[int] = Query(None, ge=1, description="Maximum number of items to return"),
    sort_by: str = Query("start_time", description="Field to sort by: start_time, status"),
    sort_order: str = Query("desc", pattern="^(asc|desc)$", description="Sort order: asc or desc"),
    status: Optional[str] = Query(
        None,
        description="Filter by execution status: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED",
    ),
    api_key: str = Security(APIKeyHeader(name="Meibel-API-Key")),
) -> SessionListResponse:
    return SessionListResponse(data=[], total=0)


app = FastAPI(title="Meibel AI API (reference)")
app.include_router(router, prefix="/v2")

_session_list = TypeAdapter(SessionListResponse)


@app.post("/__judge/session-list", include_in_schema=False)
async def judge_session_list(request: Request) -> JSONResponse:
    """Validates raw bytes as a SessionListResponse and re-serializes them.

    `redumped` is what FastAPI would send for the validated model (the
    fast path of a response_model: TypeAdapter.dump_json), so a body that is
    byte-equal to it has the reference's datetime format, key order, nulls
    and defaults.
    """
    raw = await request.body()
    try:
        model = SessionListResponse.model_validate_json(raw)
    except ValidationError as exc:
        return JSONResponse({"valid": False, "errors": exc.errors(include_url=False, include_context=False, include_input=False), "redumped": None})
    return JSONResponse({"valid": True, "errors": [], "redumped": _session_list.dump_json(model).decode()})


@app.get("/__judge/ready", include_in_schema=False)
async def judge_ready() -> dict[str, str]:
    return {"status": "ready"}
