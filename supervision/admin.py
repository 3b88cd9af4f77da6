"""监督检查 in the admin site. The checklist (检查项目) is reference data the
administrator may adjust (audited; rows are deactivated, never deleted — every finding
keeps a copy of its item). Everything else is read-only: writes go through the
services, which keep the events, the ledger's counter-entries and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_mixins import AuditedModelAdmin
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from supervision.models import (
    ChecklistItem,
    ComplaintAnalysis,
    ComplaintAnalysisEvent,
    Facility,
    FacilityEvent,
    Inspection,
    InspectionEvent,
    IssueNotice,
    IssueNoticeEvent,
    Patrol,
    PatrolEvent,
    PatrolSummary,
    PatrolSummaryEvent,
    ThirdPartyReport,
    UnitReport,
    UnitReportEvent,
    Violation,
    ViolationEvent,
    WeeklyReview,
    WeeklyReviewEvent,
)

EVENT_FIELDS = ("at", "actor_label", "from_status", "to_status", "note")


def _events(model: type) -> type[ReadOnlyInline]:
    """The timeline of a record, read-only under it."""
    return type(f"{model.__name__}Inline", (ReadOnlyInline,), {"model": model, "fields": EVENT_FIELDS})


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "dimension",
        "polarity",
        "text",
        "clause",
        "deduction",
        "fine_item",
        "appraisal_item",
        "is_active",
    )
    list_filter = ("dimension", "polarity", "subject", "is_active")
    search_fields = ("code", "text", "clause")
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    inlines = (_events(InspectionEvent),)
    list_display = ("no", "kind", "window", "staff", "inspected_at", "sheet_score", "status")
    list_filter = ("kind", "status", "branch")
    search_fields = ("no",)
    date_hierarchy = "inspected_on"
    list_select_related = ("window__branch", "staff")


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    inlines = (_events(PatrolEvent),)
    list_display = ("day", "branch", "round_label", "duty_leader", "status", "nothing_found")
    list_filter = ("status", "branch", "round")
    date_hierarchy = "day"
    list_select_related = ("branch", "duty_leader")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    inlines = (_events(ViolationEvent),)
    list_display = (
        "no",
        "kind",
        "occurred_on",
        "offender_name",
        "item_code",
        "amount_yuan",
        "source",
        "status",
    )
    list_filter = ("kind", "status", "source", "item_code")
    search_fields = ("no", "offender_name")
    date_hierarchy = "occurred_on"


@admin.register(UnitReport)
class UnitReportAdmin(ReadOnlyAdmin):
    inlines = (_events(UnitReportEvent),)
    list_display = ("month", "staff", "item_code", "kind", "count_at_trigger", "unit", "status")
    list_filter = ("status", "kind")
    list_select_related = ("staff",)


@admin.register(PatrolSummary)
class PatrolSummaryAdmin(ReadOnlyAdmin):
    inlines = (_events(PatrolSummaryEvent),)
    list_display = ("month", "status", "submitted_by_label", "submitted_at")


@admin.register(ThirdPartyReport)
class ThirdPartyReportAdmin(ReadOnlyAdmin):
    list_display = ("no", "year", "quarter", "firm", "received_on")


@admin.register(IssueNotice)
class IssueNoticeAdmin(ReadOnlyAdmin):
    inlines = (_events(IssueNoticeEvent),)
    list_display = ("no", "branch", "issued_on", "deadline", "status")
    list_filter = ("status", "branch")


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    inlines = (_events(FacilityEvent),)
    list_display = ("branch", "kind", "name", "location", "valid_until", "status")
    list_filter = ("kind", "status", "branch")


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(ReadOnlyAdmin):
    inlines = (_events(WeeklyReviewEvent),)
    list_display = (
        "week_start",
        "branch",
        "status",
        "safety_checked",
        "hygiene_checked",
        "adoption",
        "submitted_at",
    )
    list_filter = ("status", "branch", "adoption")
    date_hierarchy = "week_start"
    list_select_related = ("branch",)


@admin.register(ComplaintAnalysis)
class ComplaintAnalysisAdmin(ReadOnlyAdmin):
    inlines = (_events(ComplaintAnalysisEvent),)
    list_display = ("year", "status", "updated_at", "updated_by_label", "submitted_at", "decided_by_label")
    list_filter = ("status",)
