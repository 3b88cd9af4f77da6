"""Errors a service raises when a request cannot be done as asked. The API turns
them into `{"error": code, "message": …}` with their HTTP status; pages show the
message. Never a 500 for input a person got wrong."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a stable machine code and a message a person can act on."""

    code = "invalid_request"
    status = 422

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, **self.extra, "message": self.message}


class Conflict(DomainError):
    code = "conflict"
    status = 409
