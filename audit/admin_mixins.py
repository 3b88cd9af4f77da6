"""Admin pages that change reference data (branches, windows, staff …) write an
audit event for every save, with the changed fields."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from audit.services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = {
                name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))]
                for name in form.changed_data
            }
            audit_record(
                actor=request.user,
                action=f"{obj._meta.label_lower}.{'update' if change else 'create'}",
                obj=obj,
                summary=f"{'修改' if change else '新建'}{obj._meta.verbose_name}：{obj}",
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.label_lower}.delete",
                obj=obj,
                summary=f"删除{obj._meta.verbose_name}：{obj}",
            )
            super().delete_model(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Organisation rows are referenced by every record later on: deactivate them.
        return False
