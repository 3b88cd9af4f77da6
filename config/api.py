"""The JSON API for devices and outside clients: /api/v1/, OpenAPI at
/api/v1/openapi.json, interactive docs at /api/v1/docs.

Errors share one shape: {"error": code, "message": text a person can act on, …}.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from appraisal.api import router as appraisal_router
from cases.api import router as cases_router
from catalog.api import router as catalog_router
from common.errors import DomainError
from complaints.api import router as complaints_router
from documents.api import router as documents_router
from inquiries.api import router as inquiries_router
from org.api import router as org_router
from queueing.api import router as queueing_router
from ratings.api import router as ratings_router
from reports.api import router as reports_router
from supervision.api import router as supervision_router
from workdays.api import router as workdays_router

logger = logging.getLogger("api")


class ReadableJSONRenderer(JSONRenderer):
    """Chinese text as itself (UTF-8), not as \\uXXXX escapes: readable in logs and curl."""

    json_dumps_params = {"ensure_ascii": False}


# The statuses every operation can answer besides its own, and why (the input layer,
# common/input.py; the auth classes; ninja's validation). Documented on every operation
# so that a client — and the fuzzing test — knows every answer it may get.
COMMON_ERRORS = {
    400: "输入中含有不允许的字符（空字符等）或请求格式不正确",
    422: "输入无效：缺少或不合格式的字段（message 指明哪一项）",
}
BODY_ERRORS = {415: "请求体不是 JSON（Content-Type 应为 application/json）"}
AUTH_ERRORS = {401: "需要登录或有效的接口令牌", 403: "无权进行此操作（角色、管理部或设备不符）"}


class DocumentedAPI(NinjaAPI):
    """The API whose OpenAPI document lists, for every operation, every status it can
    answer: its own, and the common errors of the input layer, the body parser and the
    authentication (all in the one error shape, ErrorOut)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                extra = dict(COMMON_ERRORS)
                if "requestBody" in operation:
                    extra.update(BODY_ERRORS)
                if operation.get("security"):
                    extra.update(AUTH_ERRORS)
                responses = operation["responses"]
                for status, text in extra.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": text, "content": error}
        return document


api = DocumentedAPI(
    renderer=ReadableJSONRenderer(),
    title="住房公积金窗口服务管理系统 API",
    version="1",
    description=(
        "设备（取号机、叫号显示屏、评价器）与外部系统使用的接口。认证：`Authorization: Bearer <令牌>`。"
    ),
    urls_namespace="api",
)


class HealthOut(Schema):
    status: str


@api.get("/health", response={200: HealthOut, 503: HealthOut}, tags=["system"], summary="健康检查")
def health(request: HttpRequest) -> dict[str, str] | Status:
    """Monitoring's probe: 200 only when the database answers (503 otherwise)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Status(503, {"status": "database_unavailable"})
    return {"status": "ok"}


def _describe(errors: list[dict]) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "form")]
        where = ".".join(loc) or "输入"
        parts.append(f"{where}：{_translate(err)}")
    return "；".join(parts) or "输入无效。"


def _translate(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "缺少此项"
    if kind.startswith("date"):
        return "日期格式应为 YYYY-MM-DD，且是真实存在的日期"
    if kind.startswith("int"):
        return "应为整数"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return str(err.get("msg", "无效"))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": "invalid_input", "message": _describe(exc.errors), "detail": exc.errors},
        status=422,
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(
        request, {"error": "invalid_input", "message": "；".join(exc.messages)}, status=422
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"error": "unauthorized", "message": "需要登录或有效的接口令牌。"}, status=401
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "您的角色无权进行此操作。"
    return api.create_response(request, {"error": "forbidden", "message": message}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "not_found", "message": "未找到。"}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": "http_error", "message": str(exc)}, status=exc.status_code)


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """An id beyond what the database holds (a 20-digit number in a path): no such record."""
    return api.create_response(request, {"error": "not_found", "message": "未找到。"}, status=404)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A defect, never the caller's fault: logged (personal data redacted, common/logs.py)
    and answered in the API's one error shape, also with DEBUG off."""
    logger.error("API %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request, {"error": "server_error", "message": "服务器内部错误，已记录，请稍后再试。"}, status=500
    )


api.add_router("/workdays", workdays_router, tags=["workdays"])
api.add_router("/", org_router, tags=["org"])
api.add_router("/", catalog_router, tags=["catalog"])
api.add_router("/", documents_router, tags=["documents"])
api.add_router("/", queueing_router, tags=["queueing"])
api.add_router("/", inquiries_router, tags=["inquiries"])
api.add_router("/", complaints_router, tags=["complaints"])
api.add_router("/", cases_router, tags=["cases"])
api.add_router("/", ratings_router, tags=["ratings"])
api.add_router("/", supervision_router, tags=["supervision"])
api.add_router("/", appraisal_router, tags=["appraisal"])
api.add_router("/", reports_router, tags=["reports"])
