"""Forms of the ratings pages. They check the shape of the input; the services check the
rules (and say why in Chinese)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.errors import DomainError
from common.uploads import check_upload
from ratings.models import (
    AnnotationKind,
    BadReason,
    CallOutcome,
    ContactMethod,
    RaterType,
    Satisfaction,
    SatisfactionLevel,
    SurveyKind,
    Verdict,
)


def _phone(value: str) -> None:
    from ratings.services import person_phone

    value = (value or "").strip()
    if value:
        person_phone(value)


EVIDENCE_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class RateForm(forms.Form):
    """The phone rating page (扫码评价 / 网上评价)."""

    level = forms.TypedChoiceField(
        label="评价",
        coerce=int,
        choices=[(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择一个评价等级。"},
    )
    reasons = forms.MultipleChoiceField(
        label="不满意的原因（可多选）",
        choices=BadReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label="意见建议", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_phone = forms.CharField(
        label="联系电话（选填，方便我们回访）", max_length=30, required=False, validators=[_phone]
    )
    rater_type = forms.ChoiceField(
        label="您是",
        choices=RaterType.choices,
        initial=RaterType.PERSON,
        widget=forms.RadioSelect,
        required=False,
    )


class AnnotateForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=AnnotationKind.choices)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label="证据说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：监控录像时段、系统日志、评价人本人说明",
    )
    evidence_file = forms.FileField(label="证据材料（选填，PDF或图片，10MB以内）", required=False)

    def clean_evidence_file(self) -> object:
        upload = self.cleaned_data.get("evidence_file")
        if upload is None:
            return None
        try:
            check_upload(upload, types=EVIDENCE_TYPES, max_bytes=10 * 1024 * 1024, what="证据材料")
        except DomainError as refused:
            raise ValidationError(refused.message) from None
        return upload


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=[("approve", "核准"), ("reject", "驳回")])
    note = forms.CharField(label="复核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    statement = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    contact_phone = forms.CharField(
        label="联系电话（选填）", max_length=30, required=False, validators=[_phone]
    )


class AppealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理结论", choices=[("grant", "申诉成立，恢复计分"), ("dismiss", "申诉不成立，维持核销")]
    )
    note = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    method = forms.ChoiceField(label="联系方式", choices=ContactMethod.choices)
    note = forms.CharField(label="联系情况", widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(forms.Form):
    verdict = forms.ChoiceField(
        label="核实结论", choices=[(Verdict.SUBSTANTIATED, "属实"), (Verdict.PARTLY, "部分属实")]
    )
    finding = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 3}))
    rectification = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    public_summary = forms.CharField(
        label="公开说明（在好差评公示页面公开，不写姓名、电话）",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnfoundedForm(forms.Form):
    finding = forms.CharField(label="核实情况（不属实的依据）", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    satisfaction = forms.ChoiceField(label="评价人对整改的满意度", choices=Satisfaction.choices)
    note = forms.CharField(label="回访说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhoneForm(forms.Form):
    phone = forms.CharField(label="联系电话", max_length=30, validators=[_phone])


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label="拨打结果", choices=[(CallOutcome.NOT_REACHED, "未接通"), (CallOutcome.REFUSED, "拒绝回访")]
    )
    note = forms.CharField(label="说明", required=False, max_length=500)


YES_NO = [("no", "否"), ("yes", "是")]


class AnswerForm(forms.Form):
    attitude = forms.ChoiceField(
        label="服务态度", choices=SatisfactionLevel.choices, widget=forms.RadioSelect
    )
    efficiency = forms.ChoiceField(
        label="办事效率", choices=SatisfactionLevel.choices, widget=forms.RadioSelect
    )
    ran_back = forms.ChoiceField(label="是否跑回头路", choices=YES_NO, widget=forms.RadioSelect)
    favours = forms.ChoiceField(label="是否索拿卡要", choices=YES_NO, widget=forms.RadioSelect)
    dissatisfied_reason = forms.CharField(
        label="不满意的具体事项（选不满意时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comments = forms.CharField(
        label="对公积金的意见建议", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseCallbackForm(forms.Form):
    note = forms.CharField(label="说明", max_length=500)


class SurveyOpenForm(forms.Form):
    kind = forms.ChoiceField(label="测评", choices=SurveyKind.choices)
    month = forms.DateField(
        label="月份", input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
