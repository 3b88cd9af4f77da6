"""首问负责 in the admin site: read-only (every write goes through the services,
which keep the events and the audit log)."""

from __future__ import annotations

from django.contrib import admin

from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from inquiries.models import Breach, BreachEvent, Inquiry, InquiryEvent


class InquiryEventInline(ReadOnlyInline):
    model = InquiryEvent
    fields = ("at", "actor_label", "action", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = (
        "no",
        "received_at",
        "channel",
        "matter",
        "first_responder",
        "outcome",
        "status",
        "contact_due",
    )
    list_filter = ("status", "outcome", "channel", "deadline_pending")
    search_fields = ("no", "matter", "visitor_unit")
    date_hierarchy = "received_on"
    list_select_related = ("first_responder",)
    inlines = [InquiryEventInline]


class BreachEventInline(ReadOnlyInline):
    model = BreachEvent
    fields = ("at", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ("staff", "found_on", "nth", "consequences", "source", "status", "rules_ref")
    list_filter = ("status", "source", "serious")
    search_fields = ("staff__name", "staff__staff_no", "description")
    list_select_related = ("staff",)
    inlines = [BreachEventInline]
