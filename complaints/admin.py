"""投诉管理 in the admin site: read-only. Complaint contents are personal data and
every write must go through the services (events, audit log, time limits); the
staff pages are where the process is run."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.admin_mixins import ReadOnlyAdmin
from complaints.models import Complaint, ComplaintEvent, Fine, Sanction


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "title", "from_status", "to_status", "note", "public_note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("no", "received_on", "channel", "subject", "class_code", "status", "reply_due", "owner")
    list_filter = ("status", "class_code", "channel", "deadline_pending")
    search_fields = ("no", "subject")
    date_hierarchy = "received_on"
    list_select_related = ("owner",)
    exclude = ("query_password_hash", "complainant_phone", "complainant_email", "complainant_address")
    inlines = [ComplaintEventInline]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "staff", "label", "administrative", "decided_on", "status")
    list_filter = ("status", "administrative", "code")
    list_select_related = ("complaint", "staff")


@admin.register(Fine)
class FineAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "staff", "verified_on", "nth", "amount_yuan", "status", "rules_ref")
    list_filter = ("status",)
    list_select_related = ("complaint", "staff")
