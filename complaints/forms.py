"""Forms of the complaint pages (public and staff). They check what a person can
correct on the page; the services check the rules again (the API uses them too)."""

from __future__ import annotations

from typing import Any

from django import forms

from common import clock
from common.forms import (
    StaffChoiceField,
    StaffMultipleChoiceField,
    WindowChoiceField,
    clean_phone,
    date_input,
)
from complaints.models import (
    COUNTER_CHANNELS,
    Channel,
    ComplaintClass,
    ContactPreference,
    IncidentKind,
    RelatedKind,
    Satisfaction,
)
from org.models import Branch, Department, Role, Staff, Window
from org.selectors import active_departments, active_staff
from rules.schemas import ComplaintParams

TOLD_VIA = ["电话", "短信", "当面", "书面", "电子邮件", "网上查询页面"]
REPLY_CHANNELS = [
    "电话",
    "短信",
    "书面",
    "电子邮件",
    "当面",
    "网上查询页面",
    "12329热线回复",
    "转办渠道书面回复",
]
FOLLOW_UP_METHODS = ["电话", "短信", "当面", "网上查询页面", "书面"]


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.doc,.docx,.txt"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComplaintFieldsMixin(forms.Form):
    """What a complainant tells, on the web form and at the office's intake."""

    anonymous = forms.BooleanField(label="匿名投诉（不留姓名）", required=False)
    complainant_name = forms.CharField(label="姓名", max_length=50, required=False)
    complainant_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    complainant_email = forms.EmailField(label="电子邮箱", max_length=254, required=False)
    complainant_address = forms.CharField(label="通信地址", max_length=200, required=False)
    complainant_unit = forms.CharField(label="单位", max_length=100, required=False)
    contact_preference = forms.ChoiceField(
        label="希望的答复方式", choices=ContactPreference.choices, widget=forms.RadioSelect, initial="phone"
    )
    subject = forms.CharField(label="投诉事由（一句话）", max_length=100)
    content = forms.CharField(
        label="具体内容", widget=forms.Textarea(attrs={"rows": 5}), help_text="什么时间、在哪里、发生了什么"
    )
    occurred_on = forms.DateField(label="发生日期", required=False, widget=date_input())
    place = forms.CharField(label="发生地点", max_length=100, required=False)
    branch = forms.ModelChoiceField(label="管理部或网点", queryset=Branch.objects.none(), required=False)
    matter = forms.CharField(
        label="办理的业务", max_length=200, required=False, help_text="例如：提取住房公积金偿还房贷"
    )
    scope_codes = forms.MultipleChoiceField(
        label="您反映的问题属于（可多选）", required=False, widget=forms.CheckboxSelectMultiple
    )
    suggestion = forms.CharField(label="意见和建议", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    attachments = MultipleFileField(label="证明材料（照片、PDF等，可多选）", required=False)

    def __init__(self, *args: Any, params: ComplaintParams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["scope_codes"].choices = [(s.code, s.text) for s in params.scope]  # type: ignore[attr-defined]

    def clean_complainant_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("complainant_phone", ""))

    def clean_occurred_on(self) -> Any:
        value = self.cleaned_data.get("occurred_on")
        if value and value > clock.today():
            raise forms.ValidationError("发生日期不能晚于今天。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("anonymous") and not data.get("complainant_name"):
            self.add_error("complainant_name", "请填写姓名；不愿留名的请勾选“匿名投诉”。")
        pref = data.get("contact_preference")
        need = {"phone": "complainant_phone", "sms": "complainant_phone", "email": "complainant_email"}
        need["letter"] = "complainant_address"
        if pref in need and not data.get(need[pref]) and need[pref] not in self.errors:
            self.add_error(need[pref], "按您选择的答复方式，请填写此项；不留联系方式的请选择“只在网上查询”。")
        return data


class PublicComplaintForm(ComplaintFieldsMixin):
    window_number = forms.IntegerField(label="窗口号", required=False, min_value=1, max_value=99)
    staff_hint = forms.CharField(
        label="工作人员姓名或工号",
        max_length=100,
        required=False,
        help_text="见窗口的工作岗位牌；不知道可不填",
    )
    website = forms.CharField(required=False, label="请勿填写此项")  # a trap for robots

    field_order = [
        "subject",
        "content",
        "occurred_on",
        "place",
        "branch",
        "window_number",
        "staff_hint",
        "matter",
        "scope_codes",
        "anonymous",
        "complainant_name",
        "complainant_unit",
        "contact_preference",
        "complainant_phone",
        "complainant_email",
        "complainant_address",
        "suggestion",
        "attachments",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("提交失败，请刷新页面后重试。")
        number, branch = data.get("window_number"), data.get("branch")
        data["window"] = None
        if number:
            if branch is None:
                self.add_error("branch", "填写了窗口号的，请选择窗口所在的管理部或网点。")
            else:
                data["window"] = Window.objects.filter(branch=branch, number=number, is_active=True).first()
                if data["window"] is None:
                    self.add_error("window_number", f"{branch.name}没有{number}号窗口，请核对。")
        return data


class StaffComplaintForm(ComplaintFieldsMixin):
    channel = forms.ChoiceField(label="投诉渠道", choices=Channel.choices, initial=Channel.PHONE)
    external_ref = forms.CharField(label="来源单号（12329工单号、转办单号等）", max_length=60, required=False)
    received_at = forms.DateTimeField(
        label="收到时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    window = WindowChoiceField(label="涉及窗口", queryset=Window.objects.none(), required=False)
    department = forms.ModelChoiceField(label="涉及处室", queryset=Department.objects.none(), required=False)
    staff = StaffChoiceField(label="被投诉工作人员", queryset=Staff.objects.none(), required=False)
    staff_description = forms.CharField(label="被投诉人描述（不知姓名时）", max_length=100, required=False)
    matter_code = forms.CharField(label="事项编码", max_length=40, required=False)
    related_kind = forms.ChoiceField(
        label="关联记录", choices=[("", "无"), *RelatedKind.choices], required=False
    )
    related_ref = forms.CharField(label="关联记录编号", max_length=60, required=False)

    def __init__(self, *args: Any, counter_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if counter_only:  # window staff: what reached them at the counter (001 第四十六条(一))
            self.fields["channel"].choices = [c for c in Channel.choices if c[0] in COUNTER_CHANNELS]  # type: ignore[attr-defined]
            self.fields["channel"].initial = Channel.VISIT
        self.fields["window"].queryset = Window.objects.filter(is_active=True).select_related("branch")  # type: ignore[attr-defined]
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]
        self.fields["received_at"].initial = clock.local().strftime("%Y-%m-%dT%H:%M")

    def clean_received_at(self) -> Any:
        value = self.cleaned_data.get("received_at")
        if value and clock.in_future(value):
            raise forms.ValidationError("收到时间不能晚于现在。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("related_kind") and not data.get("related_ref"):
            self.add_error("related_ref", "请填写关联记录的编号。")
        return data


class AcceptForm(forms.Form):
    owner = StaffChoiceField(label="首办责任人", queryset=Staff.objects.none())
    initial_findings = forms.CharField(label="初步调查核实情况", widget=forms.Textarea(attrs={"rows": 3}))
    limit_told_via = forms.ChoiceField(label="告知投诉人处理时限的方式", choices=_choices(TOLD_VIA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_staff().filter(user__groups__name=Role.OFFICE.label)  # type: ignore[attr-defined]


class SettleForm(forms.Form):
    answer = forms.CharField(label="当场解决情况及答复", widget=forms.Textarea(attrs={"rows": 3}))
    responsible_department = forms.ModelChoiceField(
        label="经核实的责任部门（如有）", queryset=Department.objects.none(), required=False
    )
    responsible_staff = StaffMultipleChoiceField(
        label="经核实的责任人（如有）", queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["responsible_staff"].queryset = active_staff()  # type: ignore[attr-defined]


class ClassifyForm(forms.Form):
    class_code = forms.ChoiceField(label="投诉性质", choices=ComplaintClass.choices, widget=forms.RadioSelect)
    criteria = forms.MultipleChoiceField(
        label="定性依据", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="定性理由（无效投诉必填，答复时告知投诉人）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    is_complex = forms.BooleanField(label="疑难复杂，需集体会审", required=False)
    key_supervision = forms.BooleanField(
        label="列入重点督办（责任部门负责人须到中心当面汇报）", required=False
    )

    def __init__(self, *args: Any, params: ComplaintParams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = params
        self.fields["criteria"].choices = [(c, c) for cls in params.classes for c in cls.criteria]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("class_code")
        if code == ComplaintClass.INVALID and not data.get("reason"):
            self.add_error("reason", "定性为无效投诉的，须写明理由。")
        if code:
            allowed = set(self.params.complaint_class(code).criteria)
            data["criteria"] = [c for c in data.get("criteria", []) if c in allowed]
            if code == ComplaintClass.MAJOR and not data["criteria"]:
                self.add_error("criteria", "重大投诉请勾选符合的条件。")
        return data


class DetermineForm(forms.Form):
    department = forms.ModelChoiceField(label="责任部门", queryset=Department.objects.none())
    staff = StaffMultipleChoiceField(label="具体责任人", queryset=Staff.objects.none(), required=False)
    analysis = forms.CharField(label="责任分析认定", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]


def _text(label: str, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), required=required)


class HandlingForm(forms.Form):
    facts = _text("事件经过")
    causes = _text("原因分析")
    people = _text("具体涉事人员", 1, required=False)
    measures = _text("处理措施")
    answer = _text("与投诉人沟通解释及处理结果告知")
    prevention = _text("预防措施", 2, required=False)


class JointReviewForm(forms.Form):
    held_on = forms.DateField(label="会审日期", widget=date_input())
    participants = _text("参会人员", 2)
    departments_consulted = _text("征询意见的处室", 2)
    legal_opinion = _text("法律顾问意见", 2)
    decision = _text("会审意见（统一对内对外口径）")
    document_no = forms.CharField(label="会审文件编号", max_length=60)
    class_code = forms.ChoiceField(
        label="会审确定的投诉性质", choices=ComplaintClass.choices, widget=forms.RadioSelect
    )


class ReportForm(forms.Form):
    investigation = _text("二、调查核实情况")
    causes = _text("三、原因分析")
    measures = _text("四、处理意见及整改措施")
    communication = _text("五、与投诉人沟通及答复情况")
    prevention = _text("六、预防措施")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "审核通过"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    remarks = _text("审核意见", 2, required=False)
    reported_in_person = forms.BooleanField(label="责任部门负责人已到中心向领导当面汇报", required=False)


class ReplyForm(forms.Form):
    channel = forms.ChoiceField(label="答复方式", choices=_choices(REPLY_CHANNELS))
    text = _text("答复内容（投诉人在查询页面可以看到）", 4)


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(label="回访方式", choices=_choices(FOLLOW_UP_METHODS))
    satisfaction = forms.ChoiceField(
        label="投诉人对处理结果", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    opinion = _text("投诉人意见（不满意的须填写，将据此重新办理）", 2, required=False)
    suggestion = _text("投诉人建议", 2, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not data.get("opinion"):
            self.add_error("opinion", "投诉人不满意的，请记录其仍有的意见。")
        return data


class ArchiveForm(forms.Form):
    note = _text("建议的书面总结（提交相关处室）", 2, required=False)


class DelayForm(forms.Form):
    reason = _text("不能按时办结的原因", 2)
    complainant_told_via = forms.ChoiceField(label="告知投诉人的方式", choices=_choices(TOLD_VIA))
    leader = StaffChoiceField(label="汇报的中心领导", queryset=Staff.objects.none())
    leader_opinion = _text("中心领导处理意见", 2)
    extended_due = forms.DateField(label="领导同意延至（可不填）", required=False, widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = active_staff().filter(user__groups__name=Role.LEADER.label)  # type: ignore[attr-defined]


class SanctionForm(forms.Form):
    staff = StaffChoiceField(label="责任人", queryset=Staff.objects.none())
    code = forms.ChoiceField(label="处理措施", widget=forms.RadioSelect)
    note = _text("情节说明", 2, required=False)
    also_first_inquiry_breach = forms.BooleanField(
        label="同时认定为违反首问负责制（按 003 §十 逐次处理）", required=False
    )

    def __init__(self, *args: Any, params: ComplaintParams, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            (s.code, s.label + ("（行政处分）" if s.administrative else "")) for s in params.sanctions
        ]


class AppealForm(forms.Form):
    grounds = _text("对处理决定的异议及理由", 3)


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="重新审议结论",
        choices=[("upheld", "维持原处理决定"), ("revised", "改变处理决定")],
        widget=forms.RadioSelect,
    )
    decision = _text("重新审议认定意见", 3)
    class_code = forms.ChoiceField(
        label="改定的投诉性质", choices=[("", "不变"), *ComplaintClass.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="改定的责任部门", queryset=Department.objects.none(), required=False
    )
    staff = StaffMultipleChoiceField(label="改定的责任人", queryset=Staff.objects.none(), required=False)
    change_staff = forms.BooleanField(
        label="调整责任人（按上面所选；不选任何人即不认定到个人）", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["staff"].queryset = active_staff()  # type: ignore[attr-defined]


class AttachForm(forms.Form):
    documents = MultipleFileField(label="补充证明资料")


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=IncidentKind.choices, widget=forms.RadioSelect)
    note = _text("经过和处置情况", 3)


class LookupForm(forms.Form):
    no = forms.CharField(
        label="投诉编号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "如 TS20260302-0001"}),
    )
    password = forms.CharField(
        label="查询密码",
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class PublicFeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label="您对处理结果",
        choices=[c for c in Satisfaction.choices if c[0] != Satisfaction.UNREACHABLE],
        widget=forms.RadioSelect,
    )
    opinion = _text("您的意见（不满意的请写明，我们将重新处理）", 3, required=False)
    suggestion = _text("建议", 2, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not data.get("opinion"):
            self.add_error("opinion", "请写明您仍有的意见，以便重新处理。")
        return data
