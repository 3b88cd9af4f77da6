from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log can be searched and read, never changed (no add, change or
    delete permission for anybody, superusers included)."""

    list_display = ("at", "actor_label", "action", "object_repr", "summary", "client_ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "action", "object_repr", "summary", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
