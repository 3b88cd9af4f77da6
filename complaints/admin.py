"""投诉管理 in the admin site: read-only. Complaint contents are personal data and
every write must go through the services (events, audit log, time limits); the
staff pages are where the process is run."""

from __future__ import annotations

from django.contrib import admin

from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from complaints.models import Complaint, ComplaintEvent, Fine, Sanction


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("at", "actor_label", "kind", "title", "from_status", "to_status", "note", "public_note")
    readonly_fields = fields


class RecordEventInline(ReadOnlyInline):
    """The moves of a sanction or a fine (written on its complaint's timeline)."""

    model = ComplaintEvent
    fields = ("at", "actor_label", "title", "from_status", "to_status", "note")
    readonly_fields = fields


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
    inlines = [RecordEventInline]


@admin.register(Fine)
class FineAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "staff", "verified_on", "nth", "amount_yuan", "status", "rules_ref")
    list_filter = ("status",)
    list_select_related = ("complaint", "staff")
    inlines = [RecordEventInline]
