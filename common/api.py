"""What every API router shares: the one error schema and the error statuses an
operation documents.

Every error of /api/v1/ has one shape, {"error": code, "message": text a person can act
on, …} (config/api.py turns DomainError, validation and auth failures into it). A router
documents the statuses it can answer with `errors(...)`:

    @router.post("/cases", response={201: CaseOut, **errors(403, 404, 409, 422)})
"""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """An error: a stable machine code and a message in Chinese a person can act on."""

    error: str
    message: str


# Answered by every authenticated operation (missing or bad token) and by any with input.
AUTH_ERRORS = (401, 403)


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """{status: ErrorOut} for the error statuses an operation can answer."""
    return dict.fromkeys(statuses, ErrorOut)
