"""系统管理 of the queue: queues (letters, booking), hall settings, devices; read-only
records of tickets and appointments (identity numbers and phones masked)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin_mixins import AuditedModelAdmin
from common.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from common.identity import mask_id, mask_name, mask_phone
from queueing.models import (
    Appointment,
    AppointmentEvent,
    Device,
    HallSettings,
    Queue,
    Ticket,
    TicketEvent,
    WindowState,
)
from queueing.services import device_revoke


@admin.register(Queue)
class QueueAdmin(AuditedModelAdmin):
    list_display = (
        "branch",
        "letter",
        "name",
        "category",
        "is_active",
        "bookable",
        "slot_capacity",
        "daily_booking_cap",
    )
    list_filter = ("branch", "category", "is_active", "bookable")
    list_editable = ("letter", "bookable")
    ordering = ("branch__code", "order")


@admin.register(HallSettings)
class HallSettingsAdmin(AuditedModelAdmin):
    list_display = ("branch", "break_starts_at", "break_ends_at")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "branch", "kind", "window", "hint", "created_at", "last_seen_at", "revoked_at")
    list_filter = ("branch", "kind")
    readonly_fields = ("branch", "kind", "window", "name", "hint", "created_at", "last_seen_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by `manage.py issue_device_token` (shown once)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="吊销所选设备的令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset.filter(revoked_at__isnull=True):
            device_revoke(actor=request.user, device=device)
        messages.success(request, "已吊销。")


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("at", "actor_label", "action", "from_status", "to_status", "window", "staff", "note")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = (
        "display_number",
        "branch",
        "service_date",
        "category",
        "priority",
        "status",
        "window",
        "taken_at",
    )
    list_filter = ("branch", "service_date", "status", "category", "source")
    search_fields = ("display_number",)
    list_select_related = ("branch", "window")
    date_hierarchy = "service_date"
    inlines = [TicketEventInline]


class AppointmentEventInline(ReadOnlyInline):
    model = AppointmentEvent
    fields = ("at", "actor_label", "action", "from_status", "to_status", "note")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "branch",
        "queue",
        "service_date",
        "slot_start",
        "masked_name",
        "masked_id",
        "masked_mobile",
        "status",
    )
    list_filter = ("branch", "service_date", "status", "category")
    search_fields = ("code",)
    list_select_related = ("branch", "queue")
    exclude = ("id_number", "mobile", "name")
    readonly_fields = ("masked_name", "masked_id", "masked_mobile")
    inlines = [AppointmentEventInline]

    @admin.display(description="姓名")
    def masked_name(self, obj: Appointment) -> str:
        return mask_name(obj.name)

    @admin.display(description="身份证号码")
    def masked_id(self, obj: Appointment) -> str:
        return mask_id(obj.id_number)

    @admin.display(description="手机号码")
    def masked_mobile(self, obj: Appointment) -> str:
        return mask_phone(obj.mobile)


@admin.register(WindowState)
class WindowStateAdmin(ReadOnlyAdmin):
    list_display = ("window", "status", "staff", "pause_reason", "since")
    list_filter = ("status", "window__branch")
    list_select_related = ("window", "window__branch", "staff")
