"""首问负责 in the admin site: read-only (every write goes through the services,
which keep the events and the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.admin_mixins import ReadOnlyAdmin
from inquiries.models import Breach, BreachEvent, Inquiry, InquiryEvent


class InquiryEventInline(admin.TabularInline):
    model = InquiryEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "action", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


class BreachEventInline(admin.TabularInline):
    model = BreachEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ("staff", "found_on", "nth", "consequences", "source", "status", "rules_ref")
    list_filter = ("status", "source", "serious")
    search_fields = ("staff__name", "staff__staff_no", "description")
    list_select_related = ("staff",)
    inlines = [BreachEventInline]
