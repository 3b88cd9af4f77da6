"""办件 in the admin site: read-only. Every write goes through the services (events,
audit log, deadlines); the staff pages at /cases/ are where cases are handled. The
applicant's numbers are not shown here (masked lists are on the staff pages)."""

from __future__ import annotations

from django.contrib import admin

from cases.models import Case, CaseEvent, Escalation, Extension, Handover, OverdueFinding, ReviewRequest
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fk_name = "case"
    fields = ("at", "actor_label", "kind", "from_status", "to_status", "note", "public", "public_note")
    readonly_fields = fields


class PartEventInline(ReadOnlyInline):
    """The moves of an extension, a handover, an escalation or a review (rows of the
    case's timeline that name it)."""

    model = CaseEvent
    fields = ("at", "actor_label", "from_status", "to_status", "note", "public_note")
    readonly_fields = fields


class OverdueFindingInline(ReadOnlyInline):
    model = OverdueFinding
    fields = ("code", "text", "found_at", "found_by", "deadline", "rules_ref")
    readonly_fields = fields


class ExtensionEventInline(PartEventInline):
    fk_name = "extension"


class HandoverEventInline(PartEventInline):
    fk_name = "handover"


class EscalationEventInline(PartEventInline):
    fk_name = "escalation"


class ReviewEventInline(PartEventInline):
    fk_name = "review"


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
    inlines = [ExtensionEventInline]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "status", "registered_on", "limit_days", "due_on", "answered_at")
    list_filter = ("status", "department")
    list_select_related = ("case", "department")
    inlines = [HandoverEventInline]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("case", "authority", "status", "forwarded_on", "explain_after", "explained_at")
    list_filter = ("status",)
    list_select_related = ("case",)
    inlines = [EscalationEventInline]


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("case",)
    inlines = [ReviewEventInline]
