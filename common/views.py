from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape


def _htmx_message(message: str, status: int) -> HttpResponse:
    """The answer to an htmx request that was refused: only the message, which the page's
    script (static/js/app.js) shows next to what the person clicked."""
    return HttpResponse(f'<p class="error" role="alert">{escape(message)}</p>', status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您的角色无权访问此页面。"
    if request.headers.get("HX-Request"):
        return _htmx_message(message, 403)
    return render(request, "errors/403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # Http404's own message when a view gave one ("没有这条提醒。"), never a URL pattern dump.
        message = (
            exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
        )
        return _htmx_message(message or "要操作的内容不存在或已被删除，请刷新页面。", 404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
