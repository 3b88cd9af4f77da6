"""投诉管理 in the admin site: read-only, and without the complaints' contents.

Complaint contents are personal data, read on the staff pages by the office, the leaders
and the assigned department only (docs/complaints.md § Protection); every write goes
through the services (events, audit log, time limits). The admin site — the
administrator's tool — shows the bookkeeping of a complaint (number, dates, channel,
status, class, limit, rule set), never the complainant, their words, the people it names
or the timeline's notes (issue 14), and leaves out altogether the complaints about the
person looking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from common.actors import staff_of
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from complaints.models import Complaint, ComplaintEvent, Fine, Sanction

# The timeline without its notes: who moved it when, from which status to which.
EVENT_FIELDS = ("at", "actor_label", "kind", "action", "from_status", "to_status")


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = EVENT_FIELDS
    readonly_fields = fields


class RecordEventInline(ReadOnlyInline):
    """The moves of a sanction or a fine (written on its complaint's timeline)."""

    model = ComplaintEvent
    fields = EVENT_FIELDS
    readonly_fields = fields


class NotAboutTheViewer:
    """Leaves out the rows of complaints about the person looking (issue 14)."""

    complaint_path = "complaint"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        staff = staff_of(request.user)
        if staff is None:
            return qs
        about = Complaint.objects.concerning(staff.pk).values("pk")
        return qs.exclude(**{f"{self.complaint_path}__in": about})


@admin.register(Complaint)
class ComplaintAdmin(NotAboutTheViewer, ReadOnlyAdmin):
    complaint_path = "pk"
    list_display = ("no", "received_on", "channel", "class_code", "status", "reply_due", "deadline_pending")
    list_filter = ("status", "class_code", "channel", "deadline_pending")
    search_fields = ("no",)
    date_hierarchy = "received_on"
    fields = (
        "no",
        "channel",
        "received_at",
        "received_on",
        "status",
        "round",
        "class_code",
        "is_valid",
        "clock_start_on",
        "limit_days",
        "reply_due",
        "warn_on",
        "deadline_pending",
        "extended_due",
        "replied_at",
        "closed_at",
        "archived_at",
        "rules_ref",
    )
    readonly_fields = fields
    inlines = [ComplaintEventInline]


@admin.register(Sanction)
class SanctionAdmin(NotAboutTheViewer, ReadOnlyAdmin):
    list_display = ("complaint", "staff", "label", "administrative", "decided_on", "status")
    list_filter = ("status", "administrative", "code")
    list_select_related = ("complaint", "staff")
    fields = ("complaint", "staff", "code", "label", "administrative", "decided_on", "rules_ref", "status")
    readonly_fields = fields
    inlines = [RecordEventInline]


@admin.register(Fine)
class FineAdmin(NotAboutTheViewer, ReadOnlyAdmin):
    list_display = ("complaint", "staff", "verified_on", "nth", "amount_yuan", "status", "rules_ref")
    list_filter = ("status",)
    list_select_related = ("complaint", "staff")
    fields = (
        "complaint",
        "staff",
        "verified_on",
        "nth",
        "period_start",
        "period_end",
        "amount_yuan",
        "consequences",
        "rules_ref",
        "status",
        "withdrawn_reason",
    )
    readonly_fields = fields
    inlines = [RecordEventInline]
