"""Reads of the first-inquiry records: worklists, access, deadline state, and the
breach counts other apps (appraisal) use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.http import Http404

from common import clock
from common.actors import staff_of
from common.periods import Period
from inquiries.models import Breach, Inquiry, InquiryQuerySet, InquiryStatus
from org.access import has_role
from org.models import Role, Staff
from rules.models import RuleKind
from rules.selectors import rules_in_force

User = AbstractBaseUser | AnonymousUser


class InquiryAction(StrEnum):
    CONTACT = "contact"
    CLOSE = "close"
    ESCALATE = "escalate"
    DESIGNATE = "designate"


def inquiry_allowed_actions(user: User, inquiry: Inquiry) -> set[InquiryAction]:
    """What this person may do next with the inquiry: the receiver contacts and
    closes; the first-inquiry person follows it to the end (首问必果) and reports to
    the superior; the superior answers or names who is responsible; the business
    management office may do any step for the centre."""
    staff = staff_of(user)
    office = has_role(user, Role.OFFICE)
    sid = staff.pk if staff else None
    is_receiver = sid is not None and sid == inquiry.receiver_id
    is_first = sid is not None and sid == inquiry.first_responder_id
    is_superior = sid is not None and sid == inquiry.escalated_to_id
    actions: set[InquiryAction] = set()
    status = inquiry.status
    if status == InquiryStatus.HANDED_OVER and (is_receiver or office):
        actions.add(InquiryAction.CONTACT)
    if status in (InquiryStatus.HANDED_OVER, InquiryStatus.CONTACTED) and (is_receiver or is_first or office):
        actions |= {InquiryAction.CLOSE, InquiryAction.ESCALATE}
    if status == InquiryStatus.ESCALATED:
        if is_superior or is_first or office:
            actions.add(InquiryAction.CLOSE)
        if is_superior or office:
            actions.add(InquiryAction.DESIGNATE)
    return actions


def inquiry_for_user(user: User, no: str) -> Inquiry:
    """The inquiry if this user may see it, else 404 (never fetched first and checked after)."""
    inquiry = (
        Inquiry.objects.visible_to(user)
        .select_related(
            "first_responder__department",
            "first_responder__superior",
            "receiver__department",
            "escalated_to",
            "department",
            "branch",
            "closed_by",
        )
        .prefetch_related("asked_staff", "events", "breaches__staff")
        .filter(no=no)
        .first()
    )
    if inquiry is None:
        raise Http404("没有这条首问登记，或您无权查看。")
    return inquiry


def _listed(qs: InquiryQuerySet) -> InquiryQuerySet:
    return qs.select_related("first_responder", "receiver", "department", "escalated_to", "branch")


@dataclass(frozen=True)
class Worklist:
    to_contact: list[Inquiry]  # handed over to me, not yet closed
    to_decide: list[Inquiry]  # escalated to me
    my_open: list[Inquiry]  # I was the first-inquiry person and it is still open (首问必果)


def worklist(staff: Staff | None) -> Worklist:
    if staff is None:
        return Worklist([], [], [])
    open_q = Inquiry.objects.open()
    return Worklist(
        to_contact=list(
            _listed(
                open_q.filter(receiver=staff, status__in=[InquiryStatus.HANDED_OVER, InquiryStatus.CONTACTED])
            ).order_by("contact_due", "received_at")
        ),
        to_decide=list(_listed(open_q.filter(escalated_to=staff, status=InquiryStatus.ESCALATED))),
        my_open=list(_listed(open_q.filter(first_responder=staff)).order_by("received_at")),
    )


def inquiry_list(
    user: User,
    *,
    status: str = "",
    start: date | None = None,
    end: date | None = None,
    query: str = "",
    limit: int = 200,
) -> list[Inquiry]:
    qs = _listed(Inquiry.objects.visible_to(user))
    if status == "open":
        qs = qs.open()
    elif status == "overdue":
        qs = overdue(qs, clock.today())
    elif status in InquiryStatus.values:
        qs = qs.filter(status=status)
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    if query:
        qs = qs.filter(Q(no__icontains=query) | Q(matter__icontains=query) | Q(visitor_unit__icontains=query))
    return list(qs.order_by("-received_at", "-id")[:limit])


def overdue(qs: InquiryQuerySet, today: date) -> InquiryQuerySet:
    """Open hand-overs whose visitor was not contacted, or whose matter was not
    settled, by the end of the due day."""
    return qs.open().filter(
        Q(status=InquiryStatus.HANDED_OVER, contact_due__lt=today) | Q(resolve_due__lt=today)
    )


def deadline_flags(inquiry: Inquiry, today: date | None = None) -> list[tuple[str, str]]:
    """(css class, text) tags for the limits of an open hand-over."""
    if not inquiry.is_open:
        return []
    today = today or clock.today()
    if inquiry.deadline_pending:
        return [("amber", "期限待节假日安排发布")]
    flags = []
    if inquiry.status == InquiryStatus.HANDED_OVER and inquiry.contact_due:
        if inquiry.contact_due < today:
            flags.append(("red", "逾期未联系"))
        elif inquiry.contact_due == today:
            flags.append(("amber", "今日须联系"))
    if inquiry.resolve_due:
        if inquiry.resolve_due < today:
            flags.append(("red", "超过办结期限"))
        elif inquiry.resolve_due == today:
            flags.append(("amber", "今日到期"))
    return flags


def pending_calendar() -> list[Inquiry]:
    return list(_listed(Inquiry.objects.open().filter(deadline_pending=True)).order_by("received_at"))


# --- Breaches: inputs of the appraisal -------------------------------------------


def breaches_against(staff: Staff, period: Period) -> list[Breach]:
    """The counted (not withdrawn) first-inquiry breaches of a staff member verified
    within the period, oldest first. For the appraisal app."""
    return list(
        Breach.objects.counted()
        .filter(staff=staff, found_on__gte=period.start, found_on__lte=period.end)
        .select_related("complaint", "inquiry")
        .order_by("found_on", "id")
    )


@dataclass(frozen=True)
class LadderPreview:
    nth: int
    period: Period
    consequences: list[str]
    serious_consequence: str
    rules_ref: str


def breach_preview(staff: Staff, found_on: date) -> LadderPreview:
    """What recording a breach found on this day would mean for this person."""
    rules = rules_in_force(RuleKind.FIRST_INQUIRY, found_on)
    ladder = rules.params.violation_ladder
    period = Period.containing(ladder.period, found_on)
    nth = (
        Breach.objects.counted()
        .filter(staff=staff, found_on__gte=period.start, found_on__lte=found_on)
        .count()
        + 1
    )
    return LadderPreview(
        nth=nth,
        period=period,
        consequences=list(ladder.step_for(nth).consequences),
        serious_consequence=rules.params.serious_consequence,
        rules_ref=rules.ref,
    )


def breach_list(user: User, *, year: int | None = None) -> list[Breach]:
    qs = Breach.objects.visible_to(user).select_related("staff__department", "staff__branch", "complaint")
    if year:
        qs = qs.filter(found_on__year=year)
    return list(qs.order_by("-found_on", "-id"))
