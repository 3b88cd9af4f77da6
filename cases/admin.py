"""办件 in the admin site: read-only. Every write goes through the services (events,
audit log, deadlines); the staff pages at /cases/ are where cases are handled. The
applicant's numbers are not shown here (masked lists are on the staff pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.models import Case, CaseEvent, Escalation, Extension, Handover, OverdueFinding, ReviewRequest
from common.admin_mixins import ReadOnlyAdmin


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "kind", "from_status", "to_status", "note", "public", "public_note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OverdueFindingInline(admin.TabularInline):
    model = OverdueFinding
    extra = 0
    can_delete = False
    fields = ("code", "text", "found_at", "found_by", "deadline", "rules_ref")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "receipt_no",
        "branch",
        "matter",
        "handling_type",
        "status",
        "received_on",
        "deadline",
        "deadline_pending",
        "overdue",
        "first_responsible",
    )
    list_filter = ("status", "handling_type", "overdue", "deadline_pending", "branch")
    search_fields = ("receipt_no", "matter__code")
    date_hierarchy = "received_on"
    list_select_related = ("branch", "matter", "first_responsible")
    exclude = (
        "query_password_hash",
        "applicant_id_number",
        "applicant_phone",
        "agent_id_number",
        "agent_phone",
        "idempotency_key",
    )
    inlines = [OverdueFindingInline, CaseEventInline]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "number",
        "status",
        "original_deadline",
        "granted_deadline",
        "late",
        "requested_at",
    )
    list_filter = ("status", "late")
    list_select_related = ("case",)


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "status", "registered_on", "limit_days", "due_on", "answered_at")
    list_filter = ("status", "department")
    list_select_related = ("case", "department")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("case", "authority", "status", "forwarded_on", "explain_after", "explained_at")
    list_filter = ("status",)
    list_select_related = ("case",)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("case",)
