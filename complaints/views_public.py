"""The public complaint pages (no login): file a complaint on the web and follow it
with its number and query password (000 §五(四)2 网络投诉; 002 篇5 受理编码及查询密码).

CSRF-protected forms, rate-limited (common.ratelimit) per client address (and per
complaint number, against password guessing spread over many addresses). The
follow-up page shows only what the complainant may see: the public status, the
steps' public notes and the replies — never internal notes. An unknown number and a
wrong password get the same answer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import clock, ratelimit
from common.errors import DomainError
from complaints import services
from complaints.conf import (
    lookup_gate,
    public_access_seconds,
    public_submit_limit,
)
from complaints.forms import LookupForm, PublicComplaintForm, PublicFeedbackForm
from complaints.models import Complaint, Satisfaction, Status
from org.models import Centre, Staff
from rules.models import RuleKind
from rules.selectors import rules_in_force

WRONG = "投诉编号或查询密码不正确。请核对后重试；忘记密码的请拨打12329，核实身份后重置。"
TOO_MANY = "操作过于频繁，请稍后再试。如有急事请拨打12329。"
SESSION_ACCESS = "complaint-public-access"
SESSION_RECEIPT = "complaint-public-receipt"


def public_complain(request: HttpRequest) -> HttpResponse:
    """The web complaint form."""
    params = rules_in_force(RuleKind.COMPLAINT, clock.today()).params
    form = PublicComplaintForm(request.POST or None, request.FILES or None, params=params)
    status = 200
    if request.method == "POST":
        count, seconds = public_submit_limit()
        if not ratelimit.client_hit(request, "complaint-submit", limit=count, window_seconds=seconds):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            try:
                complaint, password = _submit(form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 422
            else:
                request.session[SESSION_RECEIPT] = {"no": complaint.no, "password": password}
                _grant(request, complaint)
                return redirect("public_complaint_done")
        else:
            status = 422
    return render(
        request,
        "complaints/public/form.html",
        {"form": form, "centre": Centre.objects.first(), "classes": params.classes},
        status=status,
    )


def public_complaint_done(request: HttpRequest) -> HttpResponse:
    """The number and the query password, shown once."""
    receipt = request.session.pop(SESSION_RECEIPT, None)
    if receipt is None:
        return redirect("public_complaint_track")
    complaint = Complaint.objects.filter(no=receipt["no"]).first()
    return render(request, "complaints/public/done.html", {"receipt": receipt, "c": complaint})


def public_complaint_track(request: HttpRequest) -> HttpResponse:
    """Look a complaint up by number and password (POST: the password stays out of URLs and logs)."""
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            gate = lookup_gate()
            number = form.cleaned_data["no"]
            refusal = gate.refusal(request, number)
            if refusal is not None:
                form.add_error(None, refusal)
                status = 429
            else:
                complaint = services.complaint_public_lookup(number, form.cleaned_data["password"])
                gate.record(request, number, found=complaint is not None)
                if complaint is not None:
                    _grant(request, complaint)
                    return redirect("public_complaint_status", no=complaint.no)
                form.add_error(None, WRONG)
                status = 404
    return render(request, "complaints/public/track.html", {"form": form}, status=status)


def public_complaint_status(request: HttpRequest, no: str) -> HttpResponse:
    """The status page of a complaint this browser has just unlocked."""
    complaint = _granted(request, no)
    if complaint is None:
        messages.info(request, "请输入投诉编号和查询密码。")
        return redirect("public_complaint_track")
    return render(request, "complaints/public/status.html", _status_context(complaint, PublicFeedbackForm()))


@require_POST
def public_complaint_feedback(request: HttpRequest, no: str) -> HttpResponse:
    """The complainant answers the follow-up on the web (回访, §8(6))."""
    complaint = _granted(request, no)
    if complaint is None:
        return redirect("public_complaint_track")
    form = PublicFeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_follow_up(
                actor=services.PUBLIC_ACTOR,
                complaint=complaint,
                method="网上查询页面",
                satisfaction=form.cleaned_data["satisfaction"],
                opinion=form.cleaned_data["opinion"],
                suggestion=form.cleaned_data["suggestion"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("public_complaint_status", no=complaint.no)
    complaint.refresh_from_db()
    return render(request, "complaints/public/status.html", _status_context(complaint, form), status=422)


# --- helpers ----------------------------------------------------------------------


def _submit(data: dict[str, Any]) -> tuple[Complaint, str]:
    staff, description = _staff_from_hint(data.get("staff_hint", ""))
    return services.complaint_submit_public(
        anonymous=data["anonymous"],
        complainant_name=data["complainant_name"],
        complainant_phone=data["complainant_phone"],
        complainant_email=data["complainant_email"],
        complainant_address=data["complainant_address"],
        complainant_unit=data["complainant_unit"],
        contact_preference=data["contact_preference"],
        subject=data["subject"],
        content=data["content"],
        occurred_on=data["occurred_on"],
        place=data["place"],
        branch=data["branch"],
        window=data.get("window"),
        staff=staff,
        staff_description=description,
        matter=data["matter"],
        scope_codes=data["scope_codes"],
        suggestion=data["suggestion"],
        attachments=data["attachments"],
    )


def _staff_from_hint(hint: str) -> tuple[Staff | None, str]:
    """A 工号 on the badge names the person; anything else is kept as a description."""
    hint = (hint or "").strip()
    if not hint:
        return None, ""
    staff = Staff.objects.filter(staff_no=hint).first()
    if staff is None:
        matches = list(Staff.objects.filter(name=hint, is_active=True)[:2])
        staff = matches[0] if len(matches) == 1 else None
    return staff, "" if staff else hint


def _grant(request: HttpRequest, complaint: Complaint) -> None:
    access = request.session.get(SESSION_ACCESS, {})
    access[complaint.no] = clock.timestamp() + public_access_seconds()
    request.session[SESSION_ACCESS] = {k: v for k, v in access.items() if v > clock.timestamp()}


def _granted(request: HttpRequest, no: str) -> Complaint | None:
    until = request.session.get(SESSION_ACCESS, {}).get(no)
    if until is None or until < clock.timestamp():
        return None
    return Complaint.objects.filter(no=no).first()


def _status_context(complaint: Complaint, form: PublicFeedbackForm) -> dict[str, Any]:
    return {
        "c": complaint,
        "steps": list(complaint.events.exclude(public_note="").order_by("at", "id")),
        "replies": list(complaint.replies.order_by("replied_at")),
        "form": form if complaint.status == Status.FOLLOW_UP else None,
        "satisfaction": Satisfaction,
    }
