from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin_mixins import AuditedModelAdmin
from org.models import ApiToken, Branch, Category, Centre, Department, Staff, Window
from org.services import api_token_revoke


class CategoriesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=Category.choices, required=False, **kwargs)


class WindowForm(forms.ModelForm):
    categories = CategoriesField(label="办理业务类别")

    class Meta:
        model = Window
        fields = ["branch", "number", "name", "categories", "is_green_channel", "is_active"]


class StaffForm(forms.ModelForm):
    categories = CategoriesField(label="可办理业务类别")

    class Meta:
        model = Staff
        fields = [
            "user",
            "staff_no",
            "name",
            "photo",
            "rank",
            "title",
            "branch",
            "department",
            "superior",
            "duties",
            "categories",
            "is_universal_teller",
            "phone",
            "is_active",
        ]


@admin.register(Centre)
class CentreAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "phone", "complaint_phone")


class WindowInline(admin.TabularInline):
    model = Window
    form = WindowForm
    extra = 0
    can_delete = False


@admin.register(Branch)
class BranchAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "opens_at", "day_close_at", "closes_at", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    inlines = [WindowInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Windows edited inline are audited one by one like the branch itself.
        from audit.services import audit_record

        instances = formset.save()
        for window in instances:
            audit_record(
                actor=request.user, action="org.window.save", obj=window, summary=f"保存窗口：{window}"
            )


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "branch", "phone", "is_active")
    list_filter = ("is_active", "branch")
    search_fields = ("code", "name")


@admin.register(Window)
class WindowAdmin(AuditedModelAdmin):
    form = WindowForm
    list_display = ("branch", "number", "name", "is_green_channel", "is_active")
    list_filter = ("branch", "is_green_channel", "is_active")
    list_select_related = ("branch",)


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin):
    form = StaffForm
    list_display = (
        "staff_no",
        "name",
        "rank",
        "title",
        "branch",
        "department",
        "is_universal_teller",
        "is_active",
    )
    list_filter = ("branch", "department", "rank", "is_universal_teller", "is_active")
    search_fields = ("staff_no", "name", "user__username")
    list_select_related = ("branch", "department")
    autocomplete_fields = ("superior",)
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_token`; here they are listed and revoked."""

    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
