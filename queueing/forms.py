"""Forms of the queue's pages, with messages a citizen or a teller can act on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from common.identity import validate_mobile, validate_resident_id
from org.models import Category
from queueing.models import PauseReason, Priority

CATEGORY_CHOICES = [(c.value, c.label) for c in Category]
PRIORITY_CHOICES = [("", "普通")] + [(p.value, p.label) for p in Priority]


class TakeForm(forms.Form):
    category = forms.ChoiceField(
        label="业务类别", choices=CATEGORY_CHOICES, error_messages={"required": "请选择业务类别。"}
    )
    priority = forms.ChoiceField(label="绿色通道", choices=PRIORITY_CHOICES, required=False)
    note = forms.CharField(label="备注", max_length=100, required=False)


class CheckInForm(forms.Form):
    """One box on the kiosk: an 8-digit booking code or an 18-character identity number."""

    code = forms.CharField(label="预约码或身份证号码", max_length=20, required=False)
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("code") or "").strip().upper()
        id_number = (data.get("id_number") or "").strip().upper()
        if len(code) > 8:  # typed into the one box: an identity number
            code, id_number = "", code
        if id_number:
            id_number = validate_resident_id(id_number)
        elif not code:
            raise ValidationError("请输入预约码或身份证号码。")
        elif not (code.isdigit() and len(code) == 8):
            raise ValidationError("预约码为短信中的8位数字，请核对后重新输入。")
        data["code"], data["id_number"] = code, id_number
        return data


class TransferForm(forms.Form):
    category = forms.ChoiceField(
        label="转至业务", choices=[("", "（不变）"), *CATEGORY_CHOICES], required=False
    )
    window = forms.TypedChoiceField(label="转至窗口", coerce=int, required=False, empty_value=None)
    note = forms.CharField(label="说明", max_length=100, required=False)

    def __init__(self, *args: Any, windows: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [("", "（不指定）"), *windows]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("category") and not data.get("window"):
            raise ValidationError("请选择转往的业务类别或窗口。")
        return data


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label="暂停原因", choices=PauseReason.choices, error_messages={"required": "请选择暂停原因。"}
    )
    note = forms.CharField(label="说明", max_length=100, required=False)


class ReleaseForm(forms.Form):
    note = forms.CharField(
        label="原因", max_length=100, error_messages={"required": "请填写强制签退的原因。"}
    )


class DeviceTokenForm(forms.Form):
    token = forms.CharField(
        label="设备令牌",
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text="由系统管理员执行 manage.py issue_device_token 签发，以 wsd_ 开头",
    )


class BookingForm(forms.Form):
    """Step 1 of the booking page (000 §四(二)3(1) 网络预约排队)."""

    branch = forms.ChoiceField(label="办理网点", error_messages={"required": "请选择办理网点。"})
    category = forms.ChoiceField(label="办理业务", error_messages={"required": "请选择办理业务。"})
    date = forms.ChoiceField(label="预约日期", error_messages={"required": "请选择预约日期。"})
    slot = forms.CharField(label="预约时段", error_messages={"required": "请选择预约时段。"})
    name = forms.CharField(
        label="姓名",
        max_length=30,
        min_length=2,
        error_messages={"required": "请填写姓名。", "min_length": "请填写完整姓名。"},
    )
    id_number = forms.CharField(
        label="身份证号码", max_length=18, error_messages={"required": "请填写身份证号码。"}
    )
    mobile = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"})
    agree = forms.BooleanField(
        label="我已阅读并同意：预约后未按时到达且当天未签到的记为爽约，多次爽约将暂停网上预约。",
        error_messages={"required": "请阅读并勾选预约须知。"},
    )

    def __init__(
        self,
        *args: Any,
        branches: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        dates: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", "请选择"), *branches]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", "请选择"), *categories]  # type: ignore[attr-defined]
        self.fields["date"].choices = [("", "请选择"), *dates]  # type: ignore[attr-defined]

    def clean_id_number(self) -> str:
        return validate_resident_id(self.cleaned_data["id_number"])

    def clean_mobile(self) -> str:
        return validate_mobile(self.cleaned_data["mobile"])


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        error_messages={"required": "请输入短信验证码。", "min_length": "验证码为6位数字。"},
    )


class ManageForm(forms.Form):
    code = forms.CharField(
        label="预约码", max_length=8, min_length=8, error_messages={"required": "请输入预约码。"}
    )
    id_number = forms.CharField(
        label="身份证号码", max_length=18, error_messages={"required": "请输入身份证号码。"}
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_id_number(self) -> str:
        return validate_resident_id(self.cleaned_data["id_number"])
