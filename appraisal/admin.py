"""考核评价 in the admin site: read-only — every write goes through the services
(events, audit log; peer votes are anonymous and final)."""

from __future__ import annotations

from django.contrib import admin

from appraisal.models import (
    AppraisalEntry,
    AppraisalEntryEvent,
    AppraisalQuarter,
    AppraisalQuarterEvent,
    AppraisalResult,
    PeerBallot,
)
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline

EVENT_FIELDS = ("at", "actor_label", "from_status", "to_status", "note")


class QuarterEventInline(ReadOnlyInline):
    model = AppraisalQuarterEvent
    fields = EVENT_FIELDS


class EntryEventInline(ReadOnlyInline):
    model = AppraisalEntryEvent
    fields = EVENT_FIELDS


@admin.register(AppraisalQuarter)
class AppraisalQuarterAdmin(ReadOnlyAdmin):
    inlines = (QuarterEventInline,)
    list_display = ("year", "quarter", "status", "publication", "rules_ref", "published_at")


@admin.register(AppraisalEntry)
class AppraisalEntryAdmin(ReadOnlyAdmin):
    inlines = (EntryEventInline,)
    list_display = ("quarter", "staff", "item_code", "quantity", "occurred_on", "status")
    list_filter = ("status", "item_code")
    list_select_related = ("quarter", "staff")


@admin.register(AppraisalResult)
class AppraisalResultAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "publication", "staff_name", "total", "rank", "grade_label", "veto_applied")
    list_filter = ("quarter", "grade_code")


@admin.register(PeerBallot)
class PeerBallotAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "rater", "submitted_on", "votes")
