"""The calendar in the admin site: days are looked up by date and corrected one
at a time through `day_update` (with a reason, audited); years are listed and can
be withdrawn. New years are entered on the notice page (workdays_notice), which
validates the whole notice and shows a preview first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from common.errors import DomainError
from workdays.forms import DayCorrectionForm
from workdays.kinds import WORKDAY_KINDS
from workdays.models import Day, PublishedYear
from workdays.services import day_update, year_unpublish


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    form = DayCorrectionForm
    list_display = ("date", "weekday_label", "kind", "name", "is_workday")
    list_filter = ("kind", "is_workday")
    search_fields = ("date", "name")
    search_help_text = "按日期（如 2026-10-01 或 2026-10）或节日名称查找"
    date_hierarchy = "date"
    fields = ("date", "is_workday", "kind", "name", "reason")
    readonly_fields = ("date", "is_workday")
    list_per_page = 62

    @admin.display(description="星期")
    def weekday_label(self, obj: Day) -> str:
        return obj.weekday_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a year's days are written together when its notice is published

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a missing day would make every deadline across it refuse

    def save_model(self, request: HttpRequest, obj: Day, form: DayCorrectionForm, change: bool) -> None:
        data = form.cleaned_data
        day_update(
            actor=request.user,
            date=obj.date,
            is_workday=data["kind"] in WORKDAY_KINDS,
            kind=data["kind"],
            name=data.get("name", ""),
            reason=data["reason"],
        )


@admin.register(PublishedYear)
class PublishedYearAdmin(admin.ModelAdmin):
    list_display = ("year", "published", "source", "published_at", "published_by")
    list_filter = ("published",)
    readonly_fields = ("year", "published", "source", "notice_text", "published_at", "published_by")
    actions = ["unpublish"]
    # Adds a link to the notice page where "add" would be.
    change_list_template = "workdays/admin/publishedyear_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entered on the notice page, which checks and previews the whole year

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="撤销发布所选年份（撤销后该年不再计算办理时限）")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[PublishedYear]) -> None:
        for record in queryset.filter(published=True):
            try:
                year_unpublish(actor=request.user, year=record.year, reason="系统管理员在系统管理中撤销发布")
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
