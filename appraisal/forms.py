"""Forms of the appraisal pages; the services check the rules again."""

from __future__ import annotations

from typing import Any

from django import forms

from common import clock
from common.forms import StaffChoiceField, StaffMultipleChoiceField, date_input
from org.models import Staff
from rules.schemas import UNIT_LABELS, StaffAppraisalParams


class QuarterOpenForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], widget=forms.RadioSelect
    )


class ParticipantsForm(forms.Form):
    staff = StaffMultipleChoiceField(
        label="考核对象", queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (  # type: ignore[attr-defined]
            Staff.objects.filter(is_active=True, branch__isnull=False)
            .select_related("branch")
            .order_by("branch__code", "staff_no")
        )


def item_choices(params: StaffAppraisalParams) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for section in params.sections:
        groups.append(
            (
                f"{section.code} {section.name}（扣分）",
                [(i.code, f"{i.code} {i.text}：{UNIT_LABELS[i.unit]}扣{i.points}分") for i in section.items],
            )
        )
    groups.append(
        (
            "加分",
            [(b.code, f"{b.code} {b.text}：{UNIT_LABELS[b.unit]}加{b.points}分") for b in params.bonuses],
        )
    )
    return groups


class EntryForm(forms.Form):
    staff = StaffChoiceField(label="工作人员", queryset=Staff.objects.none())
    item_code = forms.ChoiceField(label="考核项目")
    quantity = forms.IntegerField(label="次数、件数、天数或篇数", min_value=1, max_value=100, initial=1)
    occurred_on = forms.DateField(label="发生日期", widget=date_input())
    evidence = forms.CharField(
        label="依据（证明材料）",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明是什么材料证明的，例如：3月12日业务学习签到表、某某单位感谢信",
    )
    evidence_file = forms.FileField(label="证明材料扫描件（jpg、png、pdf）", required=False)
    other_party = StaffChoiceField(
        label="另一方（代为签到，双方各扣）", queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args: Any, params: StaffAppraisalParams, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people  # type: ignore[attr-defined]
        self.fields["other_party"].queryset = people  # type: ignore[attr-defined]
        self.fields["item_code"].choices = item_choices(params)  # type: ignore[attr-defined]

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data.get("occurred_on")
        if day and day > clock.today():
            raise forms.ValidationError("日期不能晚于今天。")
        return day


class PublishForm(forms.Form):
    note = forms.CharField(
        label="公示说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial="对本季度考核结果有异议的，请向业务管理处反映。",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
