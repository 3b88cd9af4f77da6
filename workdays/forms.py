from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.forms import date_input
from workdays.errors import NoticeInvalid
from workdays.kinds import WORKDAY_KINDS
from workdays.models import Day
from workdays.yearplan import (
    FIRST_YEAR,
    LAST_YEAR,
    HolidayRange,
    MakeupWorkday,
    day_problems,
    parse_holiday_lines,
    parse_makeup_lines,
)

# The longest time limit anyone may ask for: ten years of working days. Far beyond
# any regulation's limit, it only keeps a typo from scanning the whole calendar.
MAX_DEADLINE_DAYS = 3650


class DeadlineForm(forms.Form):
    start = forms.DateField(
        label="起算日（受理日或交接日）",
        widget=date_input(),
        input_formats=["%Y-%m-%d"],
    )
    days = forms.IntegerField(label="办理时限（工作日）", min_value=0, max_value=MAX_DEADLINE_DAYS)
    from_handover = forms.BooleanField(label="处室、管理部之间交接（交接当日起算）", required=False)


class NoticeForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(
        label="依据（通知名称及文号）",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
    )
    notice_text = forms.CharField(
        label="通知原文", widget=forms.Textarea, help_text="粘贴通知全文，便于日后核对。"
    )
    holidays = forms.CharField(
        label="节假日（每行一段：名称 开始日期 结束日期）",
        widget=forms.Textarea(
            attrs={"placeholder": "元旦 2027-01-01 2027-01-03\n春节 2027-02-05 2027-02-12"}
        ),
        help_text="连续放假的一段录为一行，含其中的周六、周日；单日假期可只写一个日期。",
    )
    makeup_workdays = forms.CharField(
        label="调休上班日（每行一天：日期 名称）",
        widget=forms.Textarea(attrs={"placeholder": "2027-02-07 春节调休"}),
        required=False,
        help_text="只能是周六或周日；名称可省略。",
    )

    def clean_holidays(self) -> list[HolidayRange]:
        try:
            return parse_holiday_lines(self.cleaned_data["holidays"])
        except NoticeInvalid as exc:
            raise ValidationError(exc.problems) from exc

    def clean_makeup_workdays(self) -> list[MakeupWorkday]:
        try:
            return parse_makeup_lines(self.cleaned_data["makeup_workdays"])
        except NoticeInvalid as exc:
            raise ValidationError(exc.problems) from exc


class DayCorrectionForm(forms.ModelForm):
    """The admin's change form of a day. The save goes through `day_update`, which
    needs a reason for the audit log; whether it is a working day follows the kind."""

    reason = forms.CharField(
        label="更正原因", max_length=200, help_text="如：依据国办发明电〔2020〕1号延长春节假期"
    )

    class Meta:
        model = Day
        fields = ["kind", "name"]

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.instance and "kind" in data:
            problems = day_problems(self.instance.date, data["kind"], data.get("name", ""))
            if problems:
                raise ValidationError(problems)
            self.instance.is_workday = data["kind"] in WORKDAY_KINDS
        return data
