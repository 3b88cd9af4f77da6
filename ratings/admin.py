"""系统管理 of 好差评: every record read-only (ratings are never edited or deleted;
annotations, follow-ups, callbacks and surveys change only through their pages and
services, which write the event rows and the audit log). Phone numbers masked; survey
responses show no rater."""

from __future__ import annotations

from django.contrib import admin

from common.admin_mixins import ReadOnlyAdmin
from common.identity import mask_phone
from ratings.models import (
    FollowUp,
    HotlineCallback,
    PushBatch,
    Rating,
    RatingAnnotation,
    RatingAppeal,
    SurveyResponse,
    SurveyRound,
)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = (
        "rated_at",
        "level_label",
        "service_number",
        "branch",
        "window",
        "staff",
        "channel",
        "is_bad",
    )
    list_filter = ("level", "is_bad", "channel", "branch", "rater_type")
    search_fields = ("service_number", "staff__name", "staff__staff_no")
    date_hierarchy = "rated_on"
    list_select_related = ("branch", "window", "staff")
    exclude = ("contact_phone", "client_ip")
    readonly_fields = ("phone_masked",)

    @admin.display(description="联系电话")
    def phone_masked(self, obj: Rating) -> str:
        return mask_phone(obj.contact_phone) if obj.contact_phone else ""


@admin.register(RatingAnnotation)
class RatingAnnotationAdmin(ReadOnlyAdmin):
    list_display = ("proposed_at", "rating", "kind", "status", "proposed_by", "decided_by")
    list_filter = ("kind", "status")
    list_select_related = ("rating", "proposed_by", "decided_by")


@admin.register(RatingAppeal)
class RatingAppealAdmin(ReadOnlyAdmin):
    list_display = ("submitted_at", "annotation", "status", "submitted_via", "decided_by")
    list_filter = ("status",)
    exclude = ("contact_phone",)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("opened_on", "branch", "staff", "status", "contact_due", "rectify_due", "verdict")
    list_filter = ("status", "branch", "verdict")
    list_select_related = ("branch", "staff")


@admin.register(HotlineCallback)
class HotlineCallbackAdmin(ReadOnlyAdmin):
    list_display = (
        "service_completed_at",
        "service_number",
        "category",
        "branch",
        "status",
        "attempts",
        "phone_masked",
    )
    list_filter = ("status", "category", "branch")
    list_select_related = ("branch",)
    exclude = ("phone",)
    readonly_fields = ("phone_masked",)

    @admin.display(description="联系电话")
    def phone_masked(self, obj: HotlineCallback) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdmin):
    list_display = ("month", "kind", "status", "opened_by", "rules_ref")
    list_filter = ("kind", "status")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ("round", "target", "submitted_on")
    list_filter = ("round",)
    exclude = ("rater_key",)


@admin.register(PushBatch)
class PushBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "count", "status", "reference")
    list_filter = ("status",)
