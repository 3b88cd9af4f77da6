"""Forms of the supervision pages. They check what a person can correct on the page;
the services check the rules again (the API uses the services directly)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from common import clock
from common.forms import StaffChoiceField, StaffMultipleChoiceField, WindowChoiceField, date_input
from org.models import Branch, Role, Staff, Window
from supervision.conf import THIRD_PARTY_ASPECTS, THIRD_PARTY_METHODS
from supervision.models import Capacity, FacilityKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once; the services check type, content and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def active_staff() -> Any:
    return (
        Staff.objects.filter(is_active=True)
        .select_related("branch", "department")
        .order_by("branch__code", "staff_no")
    )


def active_branches() -> Any:
    return Branch.objects.filter(is_active=True).order_by("code")


def active_windows() -> Any:
    return Window.objects.filter(is_active=True).select_related("branch").order_by("branch__code", "number")


def _not_future(value: date | None) -> date | None:
    if value and value > clock.today():
        raise forms.ValidationError("日期不能晚于今天。")
    return value


# --- Inspections -----------------------------------------------------------------------


class InspectionForm(forms.Form):
    """The fixed fields of the inspection sheet; the checklist items come as `items`
    (negative list codes ticked) and `pos_<code>` (positive list: met / unmet)."""

    branch = forms.ModelChoiceField(label="管理部", queryset=Branch.objects.none())
    window = WindowChoiceField(label="窗口", queryset=Window.objects.none(), widget=forms.RadioSelect)
    staff = StaffChoiceField(
        label="窗口工作人员",
        queryset=Staff.objects.none(),
        required=False,
        help_text="选择窗口后自动带出当前在岗人员；窗口无人时可不选",
    )
    note = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pointed_out = forms.BooleanField(label="发现的问题已当场向工作人员指出", required=False)
    pointed_out_note = forms.CharField(label="当场指出情况", max_length=200, required=False)
    photos = MultipleFileField(label="现场照片（可多选，每张不超过 5 MB）")

    def __init__(self, *args: Any, branch_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches()  # type: ignore[attr-defined]
        windows = active_windows()
        if branch_id:
            windows = windows.filter(branch_id=branch_id)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        people = active_staff()
        if branch_id:
            people = people.filter(branch_id=branch_id)
        self.fields["staff"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        window, branch = data.get("window"), data.get("branch")
        if window and branch and window.branch_id != branch.pk:
            self.add_error("window", "所选窗口不属于所选管理部。")
        return data


class PublishForm(forms.Form):
    text = forms.CharField(label="通报内容", widget=forms.Textarea(attrs={"rows": 5}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class PhotosForm(forms.Form):
    photos = MultipleFileField(label="补充照片")


# --- Patrols ---------------------------------------------------------------------------


class PatrolForm(forms.Form):
    branch = forms.ModelChoiceField(label="管理部", queryset=Branch.objects.none())
    day = forms.DateField(label="巡查日期", widget=date_input())
    round_code = forms.ChoiceField(label="巡查时段", widget=forms.RadioSelect)
    duty_leader = StaffChoiceField(label="值日领导", queryset=Staff.objects.none())
    patrol_staff = StaffMultipleChoiceField(
        label="巡查人员",
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="登记人本人自动列为巡查人员并签字",
    )
    nothing_found = forms.BooleanField(label="本次巡查未发现问题", required=False)
    note = forms.CharField(label="巡查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, rounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches()  # type: ignore[attr-defined]
        self.fields["round_code"].choices = rounds  # type: ignore[attr-defined]
        leaders = (
            active_staff().filter(user__groups__name__in=[Role.LEADER.label, Role.HEAD.label]).distinct()
        )
        self.fields["duty_leader"].queryset = leaders  # type: ignore[attr-defined]
        patrollers = (
            active_staff().filter(user__groups__name__in=[Role.INSPECTOR.label, Role.OFFICE.label]).distinct()
        )
        self.fields["patrol_staff"].queryset = patrollers  # type: ignore[attr-defined]

    def clean_day(self) -> date | None:
        return _not_future(self.cleaned_data.get("day"))


class ViolationRowForm(forms.Form):
    """One violation line of the patrol form (prefix v-<n>)."""

    staff = StaffChoiceField(label="当事工作人员", queryset=Staff.objects.none(), required=False)
    item = forms.ChoiceField(label="处罚事项", required=False)
    window = WindowChoiceField(label="窗口", queryset=Window.objects.none(), required=False)
    offender_name = forms.CharField(label="值日保安人员", max_length=50, required=False)
    note = forms.CharField(label="情况", max_length=300, required=False)

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]
        self.fields["window"].queryset = active_windows()  # type: ignore[attr-defined]
        self.fields["item"].choices = [("", "——请选择——"), *items]  # type: ignore[attr-defined]

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("staff") or data.get("item") or data.get("offender_name"))


class SignForm(forms.Form):
    opinion = forms.CharField(label="值日领导意见", max_length=300, required=False, initial="情况属实")


class SummarySubmitForm(forms.Form):
    note = forms.CharField(label="报送说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SummarySignForm(forms.Form):
    capacity = forms.ChoiceField(label="签批身份", choices=Capacity.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label="签批意见", widget=forms.Textarea(attrs={"rows": 2}), initial="同意")


# --- Violations ------------------------------------------------------------------------


class ViolationForm(forms.Form):
    staff = StaffChoiceField(label="当事工作人员", queryset=Staff.objects.none(), required=False)
    offender_name = forms.CharField(label="值日保安人员（第10项）", max_length=50, required=False)
    item_code = forms.ChoiceField(label="处罚事项")
    occurred_on = forms.DateField(label="违规日期", widget=date_input())
    window = WindowChoiceField(label="窗口", queryset=Window.objects.none(), required=False)
    note = forms.CharField(label="查实情况和依据", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]
        self.fields["window"].queryset = active_windows()  # type: ignore[attr-defined]
        self.fields["item_code"].choices = items  # type: ignore[attr-defined]

    def clean_occurred_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("occurred_on"))


class ReportSendForm(forms.Form):
    sent_on = forms.DateField(label="通报日期", widget=date_input())
    note = forms.CharField(
        label="通报情况", max_length=300, required=False, help_text="例如：书面通报至贷款服务大厅"
    )

    def clean_sent_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("sent_on"))


# --- Third party -----------------------------------------------------------------------


class TpReportForm(forms.Form):
    firm = forms.CharField(label="第三方机构", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], widget=forms.RadioSelect
    )
    received_on = forms.DateField(label="收到报告日期", widget=date_input())
    methods = forms.MultipleChoiceField(
        label="检查方式", choices=THIRD_PARTY_METHODS, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label="报告摘要（总体评价、得分）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_received_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("received_on"))


class TpFindingForm(forms.Form):
    branch = forms.ModelChoiceField(label="管理部", queryset=Branch.objects.none())
    aspect = forms.ChoiceField(label="方面", choices=THIRD_PARTY_ASPECTS, widget=forms.RadioSelect)
    observed_on = forms.DateField(label="发现日期", widget=date_input())
    window = WindowChoiceField(label="窗口（报告写明时）", queryset=Window.objects.none(), required=False)
    staff = StaffChoiceField(label="涉及人员（报告写明时）", queryset=Staff.objects.none(), required=False)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    firm_deduction = forms.DecimalField(
        label="第三方扣分", max_digits=5, decimal_places=1, min_value=0, required=False
    )
    photos = MultipleFileField(label="报告附带的照片")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = active_branches()  # type: ignore[attr-defined]
        self.fields["window"].queryset = active_windows()  # type: ignore[attr-defined]
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]


class NoticeIssueForm(forms.Form):
    requirements = forms.CharField(
        label="整改要求",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="请进行自查自纠，查找原因、举一反三、完善制度，形成《问题整改报告》，并由直接责任人写出书面《个人检查》，按期报送业务管理处。",
    )
    deadline = forms.DateField(label="整改期限", widget=date_input())


class RectificationForm(forms.Form):
    causes = forms.CharField(label="原因分析", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="整改措施及结果", widget=forms.Textarea(attrs={"rows": 3}))
    systemic = forms.CharField(
        label="举一反三、完善制度",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="对制度性的共性问题，写明查找的原因和完善的制度",
    )
    responsible_staff = StaffChoiceField(label="直接责任人", queryset=Staff.objects.none(), required=False)
    self_examination = forms.CharField(
        label="个人检查（直接责任人书面检查）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    no_individual_reason = forms.CharField(
        label="无直接责任人的说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachments = MultipleFileField(label="整改照片、签字的个人检查扫描件")

    def __init__(self, *args: Any, branch_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_staff"].queryset = active_staff().filter(branch_id=branch_id)  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="验收结论",
        choices=[("accept", "验收通过，销号"), ("return", "退回重新整改")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="验收意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    new_deadline = forms.DateField(label="新的整改期限（退回时可改）", widget=date_input(), required=False)


# --- Facilities ------------------------------------------------------------------------


class FacilityForm(forms.Form):
    branch = forms.ModelChoiceField(label="管理部", queryset=Branch.objects.none())
    kind = forms.ChoiceField(label="类别", choices=FacilityKind.choices)
    name = forms.CharField(label="名称规格", max_length=100)
    location = forms.CharField(label="位置", max_length=100)
    serial = forms.CharField(label="编号", max_length=50, required=False)
    valid_until = forms.DateField(label="有效期至", widget=date_input())
    last_checked_on = forms.DateField(label="最近检查日期", widget=date_input(), required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, branches: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else active_branches()  # type: ignore[attr-defined]


class RenewForm(forms.Form):
    checked_on = forms.DateField(label="检查、充装或更换日期", widget=date_input())
    valid_until = forms.DateField(label="新的有效期至", widget=date_input())
    note = forms.CharField(label="做了什么", max_length=200, initial="年检合格")

    def clean_checked_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("checked_on"))
