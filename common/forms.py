"""Form pieces every app's pages share."""

from __future__ import annotations

from typing import Any

from django import forms

from common.identity import validate_landline_or_mobile


def date_input() -> forms.DateInput:
    """An HTML date picker; its value must be ISO (the zh-hans format 2026/03/02 is not)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_label(staff: Any) -> str:
    """ "姓名（工号） · 处室" (or the 管理部 where the person has no 处室): how a person is
    picked from a list."""
    where = staff.department.name if staff.department_id else (staff.branch.name if staff.branch_id else "")
    return f"{staff.name}（{staff.staff_no}）{' · ' + where if where else ''}"


class StaffChoiceField(forms.ModelChoiceField):
    """One staff member; give it a queryset with select_related("department", "branch")."""

    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class WindowChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.branch.name} {obj.number}号窗口 {obj.name}"


def clean_phone(value: str) -> str:
    """A landline or mobile number, or "" when none was given."""
    value = (value or "").strip()
    if not value:
        return ""
    return validate_landline_or_mobile(value)
