"""Forms of the staff pages: the citizen of a one-time notice, revising a guide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import (
    HandlingType,
    MaterialForm,
    MaterialRequirement,
    MatterStatus,
    NoticeChannel,
    ServiceObject,
)
from common import identity
from common.forms import clean_phone, date_input
from org.models import Category


class CitizenForm(forms.Form):
    channel = forms.ChoiceField(
        label="告知方式", choices=NoticeChannel.choices, initial=NoticeChannel.COUNTER
    )
    name = forms.CharField(label="办事职工姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    employer_name = forms.CharField(label="所在单位", max_length=100, required=False)
    employer_credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    other_notes = forms.CharField(
        label="其他告知事项",
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "例如：购房发票须为正式发票，收据不能代替。每行一项。"}
        ),
    )

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").strip()
        return identity.validate_resident_id(value) if value else ""

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone") or "")

    def clean_employer_credit_code(self) -> str:
        value = (self.cleaned_data.get("employer_credit_code") or "").strip()
        return identity.validate_uscc(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("channel")
        if channel == NoticeChannel.COUNTER and not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", "窗口书面告知须填写身份证号码。")
        if (
            channel == NoticeChannel.PHONE
            and not (data.get("phone") or data.get("id_number"))
            and "phone" not in self.errors
        ):
            self.add_error("phone", "电话告知须记录来电号码（或身份证号码）。")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ScanForm(forms.Form):
    scan = forms.FileField(label="纸质清单签字页扫描件（PDF、JPG 或 PNG）")


class GuideForm(forms.Form):
    """The fields of a guide version (materials come as a formset)."""

    effective_from = forms.DateField(label="施行日期", widget=date_input())
    change_note = forms.CharField(label="修订说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    name = forms.CharField(label="事项名称", max_length=100)
    keywords = forms.CharField(label="检索词（空格分隔）", max_length=300, required=False)
    summary = forms.CharField(label="事项说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handling_type = forms.ChoiceField(label="办件类型", choices=HandlingType.choices)
    promised_days = forms.IntegerField(label="承诺时限（工作日，0 = 即办）", min_value=0, max_value=365)
    limit_basis = forms.CharField(label="承诺时限依据", max_length=300)
    statutory_days = forms.IntegerField(
        label="法定时限（日，可空）", min_value=0, max_value=365, required=False
    )
    statutory_basis = forms.CharField(label="法定时限依据", max_length=300, required=False)
    legal_basis = forms.CharField(label="办理依据", widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label="受理条件", widget=forms.Textarea(attrs={"rows": 3}))
    procedure = forms.CharField(label="办理程序（每行一步）", widget=forms.Textarea(attrs={"rows": 5}))
    result = forms.CharField(label="办理结果", max_length=200, required=False)
    is_free = forms.BooleanField(label="不收费", required=False)
    fee_note = forms.CharField(label="收费标准及依据", max_length=300)
    place = forms.CharField(label="办理地点", max_length=300)
    hours = forms.CharField(label="办理时间", max_length=200)
    consultation_phone = forms.CharField(label="咨询电话", max_length=30)
    complaint_phone = forms.CharField(label="投诉电话", max_length=30)
    online_available = forms.BooleanField(label="可网上办理", required=False)
    online_note = forms.CharField(label="网上办理说明", max_length=300, required=False)
    appointment_allowed = forms.BooleanField(label="可预约", required=False)
    joint_parties = forms.CharField(label="联办部门及单位", max_length=300, required=False)
    notes = forms.CharField(label="温馨提示", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_procedure(self) -> list[str]:
        steps = [line.strip() for line in self.cleaned_data["procedure"].splitlines() if line.strip()]
        if not steps:
            raise ValidationError("办理程序至少要有一个步骤。")
        return steps


class NewMatterForm(forms.Form):
    """What a new matter has besides its guide: a stable code, category, service object."""

    code = forms.CharField(label="事项编码", max_length=20, help_text="例如 TQ027，创建后不能修改")
    category = forms.ChoiceField(label="业务类别", choices=Category.choices)
    service_object = forms.ChoiceField(label="服务对象", choices=ServiceObject.choices)
    group = forms.CharField(label="办理环节分组（分环节计时的贷款事项）", max_length=100, required=False)
    stage_order = forms.IntegerField(label="环节顺序", min_value=0, max_value=20, initial=0)


class MaterialForm_(forms.Form):
    code = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="材料名称", max_length=120, required=False)
    requirement = forms.ChoiceField(label="提交要求", choices=MaterialRequirement.choices, initial="required")
    condition = forms.CharField(label="适用情形", max_length=200, required=False)
    form = forms.ChoiceField(label="原件/复印件", choices=MaterialForm.choices, initial="original_and_copy")
    copies = forms.IntegerField(label="份数", min_value=1, max_value=20, initial=1)
    source = forms.CharField(label="来源", max_length=120, required=False)
    standard = forms.CharField(label="受理标准", max_length=300, required=False)
    provided_form = forms.CharField(label="中心提供的表格", max_length=100, required=False)
    blank_form = forms.FileField(label="空白表格", required=False)
    sample = forms.FileField(label="填写样表", required=False)
    blank_form_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    sample_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_files = forms.BooleanField(label="移除表格文件", required=False)
    DELETE = forms.BooleanField(label="删除", required=False)


MaterialFormSet = forms.formset_factory(MaterialForm_, extra=2, max_num=40)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=MatterStatus.choices)
    note = forms.CharField(label="原因（将在办事指南上公示）", max_length=300)
