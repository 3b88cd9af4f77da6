"""The applicant's query page (no login): the receipt number and the query password of
the 受理通知单 (002 篇5 §二2⑦, §四3 申请人可以通过电话、网络、触摸屏等形式查询申请事项办理
情况). The QR code on every notice leads here with the number filled in.

The password is posted, never put in the address. Look-ups go through the gate of
common.ratelimit (LookupGate): a generous limit per client address (the hall's kiosks
share one), and per receipt number *and* address a few free failures, then growing waits
— a stranger elsewhere can neither lock nor slow the applicant out. An unknown number and
a wrong password get the same answer after the same work. A successful look-up unlocks the
case page in this browser for a while; the page shows the public timeline only, never
a staff note, and lets the applicant ask for a review (复核) of a refusal to accept.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import conf, selectors, services
from cases.forms import QueryForm, ReviewRequestForm
from cases.models import Case
from common import clock, ratelimit
from common.errors import DomainError
from org.models import Centre

WRONG = "受理编号或查询密码不正确，请核对受理通知单后重试。忘记查询密码的，请携带身份证件到受理窗口重置。"
TOO_MANY = "查询过于频繁，请稍后再试。如有急事请拨打12329。"
SESSION_ACCESS = "case-query-access"


def query_gate() -> ratelimit.LookupGate:
    return ratelimit.LookupGate("case-query", conf.query_limit_per_address(), conf.query_backoff())


def case_lookup(request: HttpRequest, receipt_no: str, password: str) -> Case:
    """The case for a number and its password, through the gate; DomainError 429 (too
    many, with how long to wait) or 404 (the same for an unknown number and a wrong
    password) otherwise. Shared by the query page and the API."""
    gate = query_gate()
    refusal = gate.refusal(request, receipt_no)
    if refusal is not None:
        raise DomainError(refusal, code="rate_limited", status=429)
    case = selectors.case_public_lookup(receipt_no, password)
    gate.record(request, receipt_no, found=case is not None)
    if case is None:
        raise DomainError(WRONG, code="not_found", status=404)
    return case


def case_query(request: HttpRequest) -> HttpResponse:
    """Look a case up by receipt number and query password."""
    form = QueryForm(request.POST or None, initial={"no": request.GET.get("no", "")[:30]})
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                case = case_lookup(request, form.cleaned_data["no"], form.cleaned_data["password"])
            except DomainError as refused:
                form.add_error(None, refused.message)
                status = refused.status
            else:
                _grant(request, case)
                return redirect("case_query_status", receipt_no=case.receipt_no)
    return render(
        request, "cases/public/query.html", {"form": form, "centre": Centre.objects.first()}, status=status
    )


def case_query_status(request: HttpRequest, receipt_no: str) -> HttpResponse:
    case = _granted(request, receipt_no)
    if case is None:
        messages.info(request, "请输入受理编号和查询密码。")
        return redirect(f"{_query_path()}?no={receipt_no[:30]}")
    return _status(request, case, ReviewRequestForm())


@require_POST
def case_query_review(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """The applicant asks for a review of the refusal to accept (复核)."""
    case = _granted(request, receipt_no)
    if case is None:
        return redirect(f"{_query_path()}?no={receipt_no[:30]}")
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            services.case_review_request(
                case=case,
                reason=form.cleaned_data["reason"],
                contact_phone=form.cleaned_data["contact_phone"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "复核申请已提交，中心业务管理处将复核并在本页答复您。")
            return redirect("case_query_status", receipt_no=case.receipt_no)
    case.refresh_from_db()
    return _status(request, case, form, status=422)


def _status(request: HttpRequest, case: Case, form: ReviewRequestForm, *, status: int = 200) -> HttpResponse:
    view = selectors.public_view(case, today=clock.today())
    return render(
        request,
        "cases/public/status.html",
        {"c": view, "form": form, "centre": Centre.objects.first()},
        status=status,
    )


def _query_path() -> str:
    from django.urls import reverse

    return reverse("case_query")


def _grant(request: HttpRequest, case: Case) -> None:
    access = {k: v for k, v in request.session.get(SESSION_ACCESS, {}).items() if v > clock.timestamp()}
    access[case.receipt_no] = clock.timestamp() + conf.public_access_seconds()
    request.session[SESSION_ACCESS] = access


def _granted(request: HttpRequest, receipt_no: str) -> Case | None:
    until = request.session.get(SESSION_ACCESS, {}).get(receipt_no)
    if until is None or until < clock.timestamp():
        return None
    return (
        Case.objects.select_related("matter", "version", "branch", "department", "first_responsible")
        .filter(receipt_no=receipt_no)
        .first()
    )
