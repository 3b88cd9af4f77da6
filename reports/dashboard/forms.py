"""The choices of the staffing advice page (branch, period, weekday)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from common import clock
from common.forms import date_input
from org.models import Branch
from reports.dashboard.constants import STAFFING_DEFAULT_WEEKS, STAFFING_WEEK_CHOICES
from reports.dashboard.staffing import MODEL_HALL, MODEL_LABELS, WEEKDAY_LABELS


class StaffingForm(forms.Form):
    branch = forms.ModelChoiceField(
        label="管理部",
        queryset=Branch.objects.none(),
        to_field_name="code",
        empty_label=None,
        error_messages={"invalid_choice": "请选择您可查看的管理部。", "required": "请选择管理部。"},
    )
    weeks = forms.TypedChoiceField(
        label="统计周数",
        coerce=int,
        choices=[(n, f"最近 {n} 周") for n in STAFFING_WEEK_CHOICES],
        initial=STAFFING_DEFAULT_WEEKS,
        error_messages={"invalid_choice": "统计周数只能选择 4、8、12 或 26 周。"},
    )
    end = forms.DateField(
        label="截至（不含）",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
        help_text="默认今天：统计今天之前的整周",
    )
    model = forms.ChoiceField(
        label="窗口分工",
        choices=list(MODEL_LABELS.items()),
        initial=MODEL_HALL,
        required=False,
        help_text=(
            "按本大厅窗口设置：多数窗口办理多类业务的按综合柜员合并排队，否则按业务分别排队；"
            "按业务分别排队：各业务有自己的窗口；综合柜员合并排队：每个窗口都能办理所有业务"
        ),
        error_messages={
            "invalid_choice": "窗口分工只能选择“按本大厅窗口设置”“按业务分别排队”或“综合柜员合并排队”。"
        },
    )
    weekday = forms.TypedChoiceField(
        label="星期",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *WEEKDAY_LABELS.items()],
        widget=forms.HiddenInput,
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        if data is not None:
            data = data.copy()
            data.setdefault("weeks", str(STAFFING_DEFAULT_WEEKS))
        super().__init__(data)
        branches = Branch.objects.visible_to(user).filter(is_active=True).order_by("code")
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.default_branch = branches.first()

    def clean_model(self) -> str:
        return self.cleaned_data.get("model") or MODEL_HALL

    def clean_end(self) -> date:
        end = self.cleaned_data.get("end") or clock.today()
        if end > clock.today():
            raise forms.ValidationError("截至日期不能晚于今天：建议只能根据已经发生的取号和办理记录计算。")
        return end
