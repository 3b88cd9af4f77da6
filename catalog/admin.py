"""Admin pages of the catalog (Chinese). Read-only: a guide changes only through a new
version (办事指南管理 → 修订, services.matter_revise) and a notice only through its
services, so that every change has its event row and audit event."""

from __future__ import annotations

from django.contrib import admin

from catalog.models import (
    Matter,
    MatterEvent,
    MatterMaterial,
    MatterVersion,
    OneTimeNotice,
    OneTimeNoticeEvent,
    OneTimeNoticeItem,
    Phrase,
)
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from common.identity import mask_id, mask_phone


class VersionInline(ReadOnlyInline):
    model = MatterVersion
    fields = (
        "number",
        "name",
        "effective_from",
        "promised_days",
        "handling_type",
        "created_by_label",
        "change_note",
    )


class MatterEventInline(ReadOnlyInline):
    model = MatterEvent
    fields = ("at", "actor_label", "kind", "from_status", "to_status", "version_number", "note")


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ("code", "category", "service_object", "group", "status")
    list_filter = ("category", "service_object", "status")
    search_fields = ("code", "versions__name", "group")
    inlines = [VersionInline, MatterEventInline]


class MaterialInline(ReadOnlyInline):
    model = MatterMaterial
    fields = ("order", "code", "name", "requirement", "condition", "form", "copies", "source", "standard")


@admin.register(MatterVersion)
class MatterVersionAdmin(ReadOnlyAdmin):
    list_display = ("matter", "number", "name", "effective_from", "handling_type", "promised_days")
    list_filter = ("handling_type", "matter__category")
    search_fields = ("matter__code", "name", "keywords")
    list_select_related = ("matter",)
    inlines = [MaterialInline]


class NoticeItemInline(ReadOnlyInline):
    model = OneTimeNoticeItem
    fields = ("material", "status", "note", "breach", "breach_reason")


class NoticeEventInline(ReadOnlyInline):
    model = OneTimeNoticeEvent
    fields = ("at", "actor_label", "from_status", "to_status", "note")


@admin.register(OneTimeNotice)
class OneTimeNoticeAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "issued_at",
        "branch",
        "matter",
        "citizen",
        "id_masked",
        "phone_masked",
        "channel",
        "status",
        "breach",
    )
    list_filter = ("channel", "status", "breach", "branch")
    search_fields = ("number", "matter__code")
    list_select_related = ("branch", "matter")
    exclude = ("citizen_id_number", "citizen_phone")
    readonly_fields = ("id_masked", "phone_masked")
    inlines = [NoticeItemInline, NoticeEventInline]

    @admin.display(description="办事职工")
    def citizen(self, obj: OneTimeNotice) -> str:
        return obj.citizen_name[:1] + "*" * (len(obj.citizen_name) - 1)

    @admin.display(description="身份证号码")
    def id_masked(self, obj: OneTimeNotice) -> str:
        return mask_id(obj.citizen_id_number) if obj.citizen_id_number else "—"

    @admin.display(description="联系电话")
    def phone_masked(self, obj: OneTimeNotice) -> str:
        return mask_phone(obj.citizen_phone) if obj.citizen_phone else "—"


@admin.register(Phrase)
class PhraseAdmin(ReadOnlyAdmin):
    list_display = ("order", "situation", "text", "clause", "audience", "kind")
    list_filter = ("situation", "audience", "kind")
    search_fields = ("text", "clause")
