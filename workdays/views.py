from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from common import clock
from common.errors import DomainError
from common.numbers import parse_int
from org.access import has_role, role_required
from org.models import Role
from workdays import selectors, services
from workdays.calendar import add_workdays, add_workdays_from_handover
from workdays.errors import CalendarNotPublished, NoticeInvalid
from workdays.forms import DeadlineForm, NoticeForm
from workdays.grid import WEEK_HEADER, month_grids
from workdays.kinds import LABELS
from workdays.yearplan import FIRST_YEAR, LAST_YEAR, WEEKDAY_NAMES


@role_required()
def calendar_page(request: HttpRequest) -> HttpResponse:
    """A year of the calendar, the published years and the deadline calculator."""
    year = _year_param(request.GET.get("year"))
    days = selectors.year_days(year)
    records = selectors.year_records()
    form = DeadlineForm(request.GET if "start" in request.GET else None, initial=_calculator_defaults())
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "record": next((r for r in records if r.year == year), None),
            "records": records,
            "months": month_grids(year, days) if days else [],
            "week_header": WEEK_HEADER,
            "labels": LABELS,
            "form": form,
            "result": _deadline_result(form),
            "is_admin": has_role(request.user, Role.ADMIN),
        },
    )


@role_required()
def deadline_partial(request: HttpRequest) -> HttpResponse:
    """The calculator's answer, swapped in by htmx."""
    form = DeadlineForm(request.GET)
    return render(request, "workdays/_deadline.html", {"form": form, "result": _deadline_result(form)})


@role_required(Role.ADMIN)
def notice_publish(request: HttpRequest) -> HttpResponse:
    """Enter a year's State Council notice: preview the year, then publish it."""
    year = selectors.next_year_to_publish()
    form = NoticeForm(
        request.POST or None,
        initial={"year": year, "source": f"国务院办公厅关于{year}年部分节假日安排的通知"},
    )
    plan = None
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("year", "source", "notice_text")}
        notice = {
            "holidays": form.cleaned_data["holidays"],
            "makeup_workdays": form.cleaned_data["makeup_workdays"],
        }
        try:
            if request.POST.get("action") == "publish":
                services.year_publish(actor=request.user, **fields, **notice)
                messages.success(request, f"{fields['year']}年节假日安排已发布，该年的办理时限现在可以计算。")
                return redirect(f"{reverse('workdays_calendar')}?year={fields['year']}")
            plan = services.year_publish_preview(**fields, **notice)
        except NoticeInvalid as exc:
            form.add_error(None, exc.problems)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "workdays/notice.html",
        {
            "form": form,
            "plan": plan,
            "months": month_grids(plan.year, plan.days) if plan else [],
            "week_header": WEEK_HEADER,
            "labels": LABELS,
        },
    )


def _year_param(text: str | None) -> int:
    year = parse_int(text, minimum=FIRST_YEAR, maximum=LAST_YEAR)
    return year if year is not None else clock.today().year


def _calculator_defaults() -> dict[str, Any]:
    return {"start": clock.today(), "days": 5}


def _deadline_result(form: DeadlineForm) -> dict[str, Any] | None:
    """The deadline for a valid form, or the calendar's refusal as a message."""
    if not form.is_bound or not form.is_valid():
        return None
    start, days, from_handover = (form.cleaned_data[k] for k in ("start", "days", "from_handover"))
    try:
        deadline = add_workdays_from_handover(start, days) if from_handover else add_workdays(start, days)
    except CalendarNotPublished as exc:
        return {"error": exc.message}
    return {
        "start": start,
        "start_weekday": WEEKDAY_NAMES[start.weekday()],
        "days": days,
        "from_handover": from_handover,
        "deadline": deadline,
        "deadline_weekday": WEEKDAY_NAMES[deadline.weekday()],
    }
