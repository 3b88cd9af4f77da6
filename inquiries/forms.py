"""Forms of the first-inquiry pages. They check what a person can correct on the
page; the services check the rules again (the API uses them too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from common import clock
from common.forms import StaffChoiceField, StaffMultipleChoiceField, clean_phone, date_input
from inquiries.models import BreachSource, Channel, Outcome
from org.models import Department, Staff
from org.selectors import active_departments, active_staff


class InquiryLogForm(forms.Form):
    channel = forms.ChoiceField(
        label="方式", choices=Channel.choices, widget=forms.RadioSelect, initial="visit"
    )
    visitor_unit = forms.CharField(label="单位", max_length=100, required=False)
    visitor_name = forms.CharField(label="姓名", max_length=50, required=False)
    visitor_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    matter = forms.CharField(label="咨询或拟办事项", max_length=200)
    matter_code = forms.CharField(label="事项编码", max_length=40, required=False)
    outcome = forms.ChoiceField(
        label="处理方式", choices=Outcome.choices, widget=forms.RadioSelect, initial="handled"
    )
    answer = forms.CharField(label="答复或办理情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    notice_ref = forms.CharField(label="《一次性告知清单》编号", max_length=40, required=False)
    department = forms.ModelChoiceField(label="相关部门", queryset=Department.objects.none(), required=False)
    receiver = StaffChoiceField(label="接办的工作人员", queryset=Staff.objects.none(), required=False)
    resolve_working_days = forms.IntegerField(
        label="事项办理时限（工作日，即办填0）", min_value=0, max_value=60, required=False
    )
    outside_body = forms.CharField(label="介绍到的单位", max_length=100, required=False)
    first_contact = StaffChoiceField(
        label="首先接待的工作人员", queryset=Staff.objects.none(), required=False
    )
    asked_together = StaffMultipleChoiceField(
        label="同时被询问的工作人员", queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = active_staff()
        for name in ("receiver", "first_contact", "asked_together"):
            self.fields[name].queryset = staff  # type: ignore[attr-defined]
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]

    def clean_visitor_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("visitor_phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Outcome.HANDED_OVER:
            for name, message in (
                ("department", "请选择转交到的相关部门。"),
                ("receiver", "请选择接办的工作人员。"),
                ("resolve_working_days", "请填写该事项的办理时限（工作日）。"),
            ):
                if data.get(name) in (None, ""):
                    self.add_error(name, message)
        if outcome in (Outcome.HANDED_OVER, Outcome.ESCALATED):
            if not data.get("visitor_name"):
                self.add_error("visitor_name", "转交或报告领导的，须登记办事职工姓名。")
            if not data.get("visitor_phone") and "visitor_phone" not in self.errors:
                self.add_error("visitor_phone", "转交或报告领导的，须登记联系电话，以便回复。")
        if outcome in (Outcome.LED, Outcome.CONTACTED) and not data.get("department"):
            self.add_error("department", "请选择带领或联系到的相关部门。")
        if outcome == Outcome.HANDLED and not data.get("answer"):
            self.add_error("answer", "请简要填写答复或办理情况。")
        if outcome == Outcome.NOTICE_GIVEN and not (data.get("notice_ref") or data.get("answer")):
            self.add_error("notice_ref", "请填写清单编号；电话口头告知的，在“答复或办理情况”中记录告知内容。")
        if outcome == Outcome.REFERRED_OUTSIDE and not data.get("outside_body"):
            self.add_error("outside_body", "请填写介绍到的有关部门或单位。")
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseForm(forms.Form):
    result = forms.CharField(label="办理结果（给办事职工的答复）", widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="报告原因（相关人员出差、责任不明确等）", widget=forms.Textarea(attrs={"rows": 2})
    )


class DesignateForm(forms.Form):
    department = forms.ModelChoiceField(label="负责部门", queryset=Department.objects.none())
    receiver = StaffChoiceField(label="接办的工作人员", queryset=Staff.objects.none())
    resolve_working_days = forms.IntegerField(label="事项办理时限（工作日）", min_value=0, max_value=60)
    note = forms.CharField(label="批示", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["receiver"].queryset = active_staff()  # type: ignore[attr-defined]


class BreachForm(forms.Form):
    staff = StaffChoiceField(label="工作人员", queryset=Staff.objects.none())
    source = forms.ChoiceField(label="来源", choices=BreachSource.choices)
    source_ref = forms.CharField(
        label="来源记录编号（投诉编号、检查记录编号）", max_length=60, required=False
    )
    inquiry_no = forms.CharField(label="相关首问登记编号", max_length=20, required=False)
    occurred_on = forms.DateField(label="违规日期", widget=date_input())
    found_on = forms.DateField(label="查实日期", widget=date_input())
    description = forms.CharField(label="违规情况", widget=forms.Textarea(attrs={"rows": 3}))
    serious = forms.BooleanField(label="造成严重社会影响或后果", required=False)
    serious_note = forms.CharField(
        label="行政处分意见", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]
        self.fields["found_on"].initial = clock.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred, found = data.get("occurred_on"), data.get("found_on")
        if found and found > clock.today():
            self.add_error("found_on", "查实日期不能晚于今天。")
        if occurred and found and occurred > found:
            self.add_error("occurred_on", "违规日期不能晚于查实日期。")
        if data.get("serious") and not data.get("serious_note"):
            self.add_error("serious_note", "造成严重影响的，请写明行政处分意见。")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}))


def validation_message(exc: ValidationError) -> str:
    return "；".join(exc.messages)
