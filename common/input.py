"""The input layer: what a request may carry before any view or service sees it.

* A NUL byte or a lone surrogate in the path, a query parameter, a form field or a JSON
  string is refused with 400 and a message (PostgreSQL cannot store NUL; a surrogate
  cannot be encoded) — never a 500.
* Other control characters (a vertical tab pasted from a word processor, an escape) are
  dropped from form fields and JSON strings: what a person would expect, and nothing a
  spreadsheet or a printed notice could choke on later. Tab, line feed and carriage
  return stay.
* The JSON API takes bodies as `application/json` only: a cross-site form cannot post a
  "simple request" (`text/plain`) into it (docs/security.md).
Column lengths are enforced at the other end, before the database (common/guards.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.html import escape

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_STRIPPED = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BadInput(ValueError):
    pass


def clean_text(value: str) -> str:
    """`value` without the control characters a person never means to type; refuses NUL
    and lone surrogates."""
    if _FORBIDDEN.search(value):
        raise BadInput(value)
    return _STRIPPED.sub("", value)


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean_json(v) for k, v in value.items()}
    return value


def _clean_query(data: QueryDict) -> QueryDict | None:
    """A cleaned copy when something had to be dropped, else None (refuses NUL)."""
    changed = False
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        new_key = clean_text(key)
        new_values = [clean_text(v) for v in values]
        changed |= new_key != key or new_values != values
        cleaned.setlist(new_key, new_values)
    if not changed:
        return None
    cleaned._mutable = False
    return cleaned


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._clean(request)
        except BadInput:
            return _refuse(
                request, 400, "invalid_characters", "输入中含有不允许的字符（如空字符），请删除后重试。"
            )
        except UnicodeDecodeError:
            return _refuse(request, 400, "invalid_encoding", "输入不是有效的 UTF-8 文本。")
        except MultiPartParserError:
            return _refuse(request, 400, "malformed_body", "请求的表单格式不正确，请刷新页面后重新提交。")
        except _WrongContentType:
            return _refuse(
                request,
                415,
                "unsupported_media_type",
                "接口只接受 JSON 请求体（Content-Type: application/json）。",
            )
        return self.get_response(request)

    def _clean(self, request: HttpRequest) -> None:
        clean_text(request.path_info)
        if request.GET:
            cleaned = _clean_query(request.GET)
            if cleaned is not None:
                request.GET = cleaned  # type: ignore[assignment]
        if request.method not in _JSON_METHODS:
            return
        content_type = request.content_type or ""
        if request.path_info.startswith("/api/"):
            if content_type != "application/json" and _has_body(request) and not _empty_form(request):
                raise _WrongContentType
            if content_type == "application/json" and _has_body(request):
                self._clean_json_body(request)
            return
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            cleaned = _clean_query(request.POST)
            if cleaned is not None:
                request.POST = cleaned  # type: ignore[assignment]

    @staticmethod
    def _clean_json_body(request: HttpRequest) -> None:
        try:
            data = json.loads(request.body.decode("utf-8"))
        except ValueError:
            return  # not JSON at all: the API answers 422 with its own message
        cleaned = _clean_json(data)
        if cleaned != data:
            request._body = json.dumps(cleaned, ensure_ascii=False).encode("utf-8")  # type: ignore[attr-defined]


class _WrongContentType(Exception):
    pass


def _empty_form(request: HttpRequest) -> bool:
    """A form body without a single field (what an HTTP client sends for "no data")."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    return not request.POST and not request.FILES


def _has_body(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return length.isdigit() and int(length) > 0


def _refuse(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"error": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "errors/400.html", {"message": message}, status=status)


class DomainErrorMiddleware:
    """A refusal a page did not catch (a DomainError from a service, e.g. a text too long
    for its column) is shown with its message and status, never as a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from common.errors import DomainError

        if isinstance(exception, OverflowError):
            # An id or number beyond what the database holds (a 20-digit id in a URL):
            # no such record.
            exception = DomainError("没有找到该记录。", code="not_found", status=404)
        if not isinstance(exception, DomainError):
            return None
        if request.headers.get("HX-Request"):
            response = HttpResponse(
                f'<p class="error" role="alert">{escape(exception.message)}</p>', status=exception.status
            )
            return response
        return _refuse(request, exception.status, exception.code, exception.message)
