"""监督检查 in the admin site. The checklist (检查项目) is reference data the
administrator may adjust (audited; rows are deactivated, never deleted — every finding
keeps a copy of its item). Everything else is read-only: writes go through the
services, which keep the events, the ledger's counter-entries and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_mixins import AuditedModelAdmin
from common.admin_mixins import ReadOnlyAdmin
from supervision.models import (
    ChecklistItem,
    Facility,
    Inspection,
    IssueNotice,
    Patrol,
    PatrolSummary,
    SupervisionEvent,
    ThirdPartyReport,
    UnitReport,
    Violation,
)


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
    list_display = ("no", "kind", "window", "staff", "inspected_at", "sheet_score", "status")
    list_filter = ("kind", "status", "branch")
    search_fields = ("no",)
    date_hierarchy = "inspected_on"
    list_select_related = ("window__branch", "staff")


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ("day", "branch", "round_label", "duty_leader", "status", "nothing_found")
    list_filter = ("status", "branch", "round")
    date_hierarchy = "day"
    list_select_related = ("branch", "duty_leader")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
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
    list_display = ("month", "staff", "item_code", "kind", "count_at_trigger", "unit", "status")
    list_filter = ("status", "kind")
    list_select_related = ("staff",)


@admin.register(PatrolSummary)
class PatrolSummaryAdmin(ReadOnlyAdmin):
    list_display = ("month", "status", "submitted_by_label", "submitted_at")


@admin.register(ThirdPartyReport)
class ThirdPartyReportAdmin(ReadOnlyAdmin):
    list_display = ("no", "year", "quarter", "firm", "received_on")


@admin.register(IssueNotice)
class IssueNoticeAdmin(ReadOnlyAdmin):
    list_display = ("no", "branch", "issued_on", "deadline", "status")
    list_filter = ("status", "branch")


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ("branch", "kind", "name", "location", "valid_until", "status")
    list_filter = ("kind", "status", "branch")


@admin.register(SupervisionEvent)
class SupervisionEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "subject_type", "subject_id", "actor_label", "from_status", "to_status")
    list_filter = ("subject_type",)


from supervision.models import (  # noqa: E402 — appended section
    ComplaintAnalysis,
    ComplaintAnalysisEvent,
    WeeklyReview,
    WeeklyReviewEvent,
)


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(ReadOnlyAdmin):
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


@admin.register(WeeklyReviewEvent)
class WeeklyReviewEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "review", "actor_label", "from_status", "to_status", "note")
    list_select_related = ("review__branch",)


@admin.register(ComplaintAnalysis)
class ComplaintAnalysisAdmin(ReadOnlyAdmin):
    list_display = ("year", "status", "updated_at", "updated_by_label", "submitted_at", "decided_by_label")
    list_filter = ("status",)


@admin.register(ComplaintAnalysisEvent)
class ComplaintAnalysisEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "analysis", "actor_label", "from_status", "to_status", "note")
