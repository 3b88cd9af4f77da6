"""首问负责 pages: log an inquiry in a few seconds, the worklists of hand-overs
(首问必果), the register, one record with its timeline, and breaches (003 §十)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.numbers import parse_id, parse_year
from common.periods import Period
from inquiries import selectors, services
from inquiries.forms import (
    BreachForm,
    CloseForm,
    DesignateForm,
    EscalateForm,
    InquiryLogForm,
    NoteForm,
    WithdrawForm,
)
from inquiries.models import Breach, Inquiry, InquiryStatus
from inquiries.selectors import InquiryAction
from org.access import has_role, role_required
from org.models import Role


@role_required()
def inquiry_home(request: HttpRequest) -> HttpResponse:
    """Log a visit, call or fax; below it, what is waiting for me."""
    me = staff_of(request.user)
    form = InquiryLogForm(request.POST or None, initial={"first_contact": me})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_log(
                actor=request.user,
                channel=data["channel"],
                matter=data["matter"],
                outcome=data["outcome"],
                first_contact=data.get("first_contact"),
                asked_together=list(data.get("asked_together") or []),
                visitor_unit=data["visitor_unit"],
                visitor_name=data["visitor_name"],
                visitor_phone=data["visitor_phone"],
                matter_code=data["matter_code"],
                answer=data["answer"],
                department=data.get("department"),
                receiver=data.get("receiver"),
                notice_ref=data["notice_ref"],
                outside_body=data["outside_body"],
                resolve_working_days=data.get("resolve_working_days"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _logged_message(inquiry))
            return redirect("inquiry_home")
    return render(
        request,
        "inquiries/home.html",
        {
            "form": form,
            "me": me,
            "work": selectors.worklist(me),
            "today": clock.today(),
            "recent": selectors.inquiry_list(request.user, limit=10),
        },
    )


@role_required()
def inquiry_worklist(request: HttpRequest) -> HttpResponse:
    """The worklist part alone, refreshed by htmx every minute."""
    return render(
        request,
        "inquiries/_worklist.html",
        {"work": selectors.worklist(staff_of(request.user)), "today": clock.today()},
    )


@role_required()
def inquiry_register(request: HttpRequest) -> HttpResponse:
    """首问登记簿: every inquiry the user may see, filtered."""
    status = request.GET.get("status", "")
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.inquiry_list(request.user, status=status, start=start, end=end, query=query)
    context = {
        "rows": rows,
        "status": status,
        "start": start,
        "end": end,
        "q": query,
        "statuses": InquiryStatus.choices,
        "today": clock.today(),
    }
    htmx = getattr(request, "htmx", False)
    template = "inquiries/_register_table.html" if htmx else "inquiries/register.html"
    return render(request, template, context)


@role_required()
def inquiry_detail(request: HttpRequest, no: str) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, no)
    return _detail(request, inquiry)


@require_POST
@role_required()
def inquiry_act(request: HttpRequest, no: str, action: str) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, no)
    forms_by_action = {
        InquiryAction.CONTACT: NoteForm,
        InquiryAction.CLOSE: CloseForm,
        InquiryAction.ESCALATE: EscalateForm,
        InquiryAction.DESIGNATE: DesignateForm,
    }
    if action not in forms_by_action:
        raise PermissionDenied("没有这个办理步骤。")
    form = forms_by_action[InquiryAction(action)](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == InquiryAction.CONTACT:
                services.inquiry_contact(actor=request.user, inquiry=inquiry, note=data["note"])
                messages.success(request, "已记录与办事职工联系。")
            elif action == InquiryAction.CLOSE:
                services.inquiry_close(actor=request.user, inquiry=inquiry, result=data["result"])
                messages.success(request, "已办结。")
            elif action == InquiryAction.ESCALATE:
                inquiry = services.inquiry_escalate(
                    actor=request.user, inquiry=inquiry, reason=data["reason"]
                )
                messages.success(
                    request, f"已报告 {inquiry.escalated_to.name if inquiry.escalated_to else ''}。"
                )
            else:
                services.inquiry_designate(
                    actor=request.user,
                    inquiry=inquiry,
                    department=data["department"],
                    receiver=data["receiver"],
                    resolve_working_days=data["resolve_working_days"],
                    note=data["note"],
                )
                messages.success(request, "已指定接办人。")
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
        else:
            return redirect("inquiry_detail", no=inquiry.no)
    return _detail(request, inquiry, failed={action: form}, status=422)


@role_required()
def breach_list(request: HttpRequest) -> HttpResponse:
    """违反首问负责制的认定：the office records them; everyone sees what concerns them."""
    can_record = has_role(request.user, Role.OFFICE, Role.LEADER)
    form = BreachForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("违反首问负责制的认定由业务管理处或中心领导登记。")
        if form.is_valid():
            try:
                breach = _record_breach(request, form)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                period = Period(breach.period_start, breach.period_end).label
                messages.success(
                    request,
                    f"已认定：{breach.staff.name} {period}第{breach.nth}次违反首问负责制，"
                    f"处理：{'、'.join(breach.consequences)}。",
                )
                return redirect("breach_list")
    year = request.GET.get("year", "")
    rows = selectors.breach_list(request.user, year=parse_year(year))
    return render(
        request,
        "inquiries/breaches.html",
        {"form": form, "rows": rows, "year": year, "can_record": can_record},
        status=422 if form is not None and form.errors else 200,
    )


@role_required(Role.OFFICE, Role.LEADER)
def breach_preview(request: HttpRequest) -> HttpResponse:
    """htmx: which step of the ladder a breach of this person on this day would be."""
    form = BreachForm(request.GET)
    staff, found_on = None, _date(request.GET.get("found_on"))
    staff_id = parse_id(request.GET.get("staff"))
    if staff_id is not None:
        staff = form.fields["staff"].queryset.filter(pk=staff_id).first()  # type: ignore[attr-defined]
    preview, error = None, ""
    if staff is not None and found_on is not None:
        try:
            preview = selectors.breach_preview(staff, found_on)
        except DomainError as exc:
            error = exc.message
    return render(
        request, "inquiries/_breach_preview.html", {"preview": preview, "staff": staff, "error": error}
    )


@require_POST
@role_required(Role.OFFICE, Role.LEADER)
def breach_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    breach = Breach.objects.visible_to(request.user).filter(pk=pk).first()
    if breach is None:
        raise Http404("没有这条违规记录。")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.breach_withdraw(actor=request.user, breach=breach, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已撤销该违规认定。")
    else:
        messages.error(request, "请写明撤销理由。")
    return redirect("breach_list")


@role_required(Role.ADMIN, Role.OFFICE)
def inquiry_pending_calendar(request: HttpRequest) -> HttpResponse:
    """Hand-overs whose limits wait for next year's holiday notice."""
    if request.method == "POST":
        try:
            count = services.inquiry_deadlines_recompute(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已补算 {count} 条转交的期限。")
        return redirect("inquiry_pending_calendar")
    return render(request, "inquiries/pending_calendar.html", {"rows": selectors.pending_calendar()})


# --- helpers --------------------------------------------------------------------


def _detail(
    request: HttpRequest, inquiry: Inquiry, *, failed: dict | None = None, status: int = 200
) -> HttpResponse:
    allowed = selectors.inquiry_allowed_actions(request.user, inquiry)
    failed = failed or {}
    forms = {
        "contact": failed.get("contact") or NoteForm(),
        "close": failed.get("close") or CloseForm(),
        "escalate": failed.get("escalate") or EscalateForm(),
        "designate": failed.get("designate")
        or DesignateForm(initial={"resolve_working_days": inquiry.resolve_working_days}),
    }
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "allowed": {a.value for a in allowed},
            "forms": forms,
            "flags": selectors.deadline_flags(inquiry),
            "events": list(inquiry.events.all()),
            "asked": list(inquiry.asked_staff.all()),
        },
        status=status,
    )


def _record_breach(request: HttpRequest, form: BreachForm) -> Breach:
    data = form.cleaned_data
    complaint = None
    ref = data["source_ref"].strip()
    if data["source"] == "complaint" and ref:
        # The complaints app sits above this one (it records breaches it finds): reach
        # its model through the breach's own relation, not an import.
        complaint_model = Breach._meta.get_field("complaint").related_model
        complaint = complaint_model._default_manager.filter(no=ref).first()  # type: ignore[union-attr]
        if complaint is None:
            raise DomainError(f"没有编号为 {ref} 的投诉，请核对投诉编号。", code="invalid_input")
    inquiry = None
    if data["inquiry_no"].strip():
        inquiry = Inquiry.objects.filter(no=data["inquiry_no"].strip()).first()
        if inquiry is None:
            raise DomainError(f"没有编号为 {data['inquiry_no']} 的首问登记。", code="invalid_input")
    return services.breach_record(
        actor=request.user,
        staff=data["staff"],
        source=data["source"],
        occurred_on=data["occurred_on"],
        found_on=data["found_on"],
        description=data["description"],
        complaint=complaint,
        inquiry=inquiry,
        source_ref=ref,
        serious=data["serious"],
        serious_note=data["serious_note"],
    )


def _logged_message(inquiry: Inquiry) -> str:
    text = f"已登记 {inquiry.no}（首问责任人：{inquiry.first_responder.name}）。"
    if inquiry.status == InquiryStatus.HANDED_OVER and inquiry.receiver:
        if inquiry.contact_due:
            due = f"{inquiry.contact_due:%Y年%-m月%-d日}"
            text += f"已转交 {inquiry.receiver.name}，须在 {due} 前与办事职工联系。"
        else:
            text += f"已转交 {inquiry.receiver.name}；期限所在年份的节假日安排尚未发布，发布后补算。"
    elif inquiry.status == InquiryStatus.ESCALATED and inquiry.escalated_to:
        text += f"已报告 {inquiry.escalated_to.name}。"
    return text


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def inquiry_url(inquiry: Inquiry) -> str:
    return reverse("inquiry_detail", kwargs={"no": inquiry.no})
