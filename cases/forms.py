"""Forms of the case pages. They check shapes (required, lengths, dates); the rules of
the regulations are checked by the services, whose messages the pages show."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms

from cases.models import Channel, DeliveryMethod, NotifyMethod, Outcome
from org.models import Department, Window
from rules.schemas import RejectionGround

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AcceptForm(forms.Form):
    """The applicant and the circumstances of an application; the materials are read
    from the radio rows of the page (one per material of the guide version)."""

    idem = forms.UUIDField(widget=forms.HiddenInput)
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="申请人", max_length=100)
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=30)
    agent_name = forms.CharField(label="代办人姓名", max_length=50, required=False)
    agent_id_number = forms.CharField(label="代办人身份证号码", max_length=18, required=False)
    agent_phone = forms.CharField(label="代办人电话", max_length=30, required=False)
    channel = forms.ChoiceField(label="申请方式", choices=Channel.choices, initial=Channel.COUNTER)
    window = forms.ModelChoiceField(label="受理窗口", queryset=Window.objects.none(), required=False)
    delivery_method = forms.ChoiceField(
        label="办理结果送达方式", choices=DeliveryMethod.choices, initial=DeliveryMethod.PICKUP
    )
    delivery_address = forms.CharField(label="送达地址", max_length=200, required=False)
    note = forms.CharField(label="受理备注", required=False, widget=TEXTAREA)
    decision = forms.ChoiceField(
        label="受理决定",
        choices=[
            ("accept", "受理（材料不全的出具补办件通知单）"),
            ("reject", "不予受理（出具退回件通知单）"),
        ],
        initial="accept",
        widget=forms.RadioSelect,
    )
    rejection_ground = forms.ChoiceField(
        label="不予受理的情形", required=False, choices=[], widget=forms.RadioSelect
    )
    rejection_reason = forms.CharField(label="具体理由", required=False, widget=TEXTAREA, max_length=2000)
    returned_materials = forms.CharField(label="退回的材料（每行一项）", required=False, widget=TEXTAREA)

    def __init__(
        self,
        *args: Any,
        branch_id: int | None = None,
        grounds: Sequence[RejectionGround] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grounds = list(grounds)
        self.fields["rejection_ground"].choices = ground_choices(grounds)  # type: ignore[attr-defined]
        windows = Window.objects.filter(branch_id=branch_id or 0, is_active=True).order_by("number")
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["window"].label_from_instance = lambda w: f"{w.number}号窗口 {w.name}"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("idem", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject":
            if not data.get("rejection_ground"):
                self.add_error("rejection_ground", "不予受理的，请选择一种法定情形。")
            if not (data.get("rejection_reason") or "").strip():
                self.add_error("rejection_reason", "不予受理的，请写明具体理由。")
        return data


class SupplementReceiveForm(forms.Form):
    codes = forms.MultipleChoiceField(label="本次收到的材料", widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = choices or []  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    """不予受理: one legal ground of the rule set and the explanation (000 §五(二)1;
    002 篇5 §二5); missing materials are a 补办件, never a ground."""

    ground = forms.ChoiceField(label="不予受理的情形", choices=[], widget=forms.RadioSelect)
    reason = forms.CharField(label="具体理由", widget=TEXTAREA, max_length=2000)
    returned_materials = forms.CharField(label="退回的材料（每行一项）", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, grounds: Sequence[RejectionGround] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grounds = list(grounds)
        self.fields["ground"].choices = ground_choices(grounds)  # type: ignore[attr-defined]


def ground_choices(grounds: Sequence[RejectionGround]) -> list[tuple[str, str]]:
    """The rule set's grounds as radio choices: the label with its clause."""
    return [(g.code, f"{g.label}（{g.clause}）") for g in grounds]


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices, widget=forms.RadioSelect)
    result = forms.CharField(label="结果说明", widget=TEXTAREA, max_length=2000)
    refusal_reason = forms.CharField(label="不予批准的理由", required=False, widget=TEXTAREA, max_length=2000)
    transaction_no = forms.CharField(label="业务流水号（核心业务系统）", required=False, max_length=40)
    notify_method = forms.ChoiceField(
        label="告知申请人",
        choices=[("", "稍后登记"), *NotifyMethod.choices],
        required=False,
        initial=NotifyMethod.IN_PERSON,
    )
    notify_note = forms.CharField(label="告知说明", required=False, max_length=200)
    deliver_now = forms.BooleanField(label="申请人在场，办理结果当场交付", required=False)


class NotifyForm(forms.Form):
    method = forms.ChoiceField(label="告知方式", choices=NotifyMethod.choices)
    note = forms.CharField(label="说明", required=False, max_length=200)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    note = forms.CharField(label="说明（领取人、邮件单号、送达地址等）", required=False, max_length=200)
    delivered_at = forms.DateTimeField(
        label="送达时间（不填为现在）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ExtensionRequestForm(forms.Form):
    reason = forms.CharField(label="延期原因（不能按期办结的特殊原因）", widget=TEXTAREA, max_length=2000)
    requested_deadline = forms.DateField(label="申请延期至", widget=forms.DateInput(attrs={"type": "date"}))
    explained = forms.BooleanField(label="已向办事职工解释说明", required=False)
    explained_note = forms.CharField(
        label="解释说明情况",
        required=False,
        max_length=200,
        help_text="例如：11月20日电话告知，申请人表示理解",
    )


class HeadOpinionForm(forms.Form):
    agree = forms.ChoiceField(
        label="意见", choices=[("yes", "同意延期"), ("no", "不同意")], widget=forms.RadioSelect, initial="yes"
    )
    opinion = forms.CharField(label="部门负责人意见", widget=TEXTAREA, max_length=1000)
    granted_deadline = forms.DateField(
        label="规定延期至（不填为申请的日期）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LeaderDecisionForm(forms.Form):
    approve = forms.ChoiceField(
        label="审批", choices=[("yes", "同意延期"), ("no", "不同意")], widget=forms.RadioSelect, initial="yes"
    )
    opinion = forms.CharField(label="分管领导意见", widget=TEXTAREA, max_length=1000)


class HandoverForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label="相关部门", queryset=Department.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    limit_days = forms.IntegerField(label="办理时限（工作日，自交接登记当日起算）", min_value=1, max_value=60)
    note = forms.CharField(label="交接说明", required=False, max_length=300)

    def __init__(self, *args: Any, exclude_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(is_active=True).order_by("code")
        if exclude_id:
            qs = qs.exclude(pk=exclude_id)
        self.fields["departments"].queryset = qs  # type: ignore[attr-defined]


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="审批意见", widget=TEXTAREA, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=TEXTAREA, max_length=1000)


class EscalateForm(forms.Form):
    authority = forms.CharField(label="转报的上级政府或部门", max_length=100)
    note = forms.CharField(label="转报说明（文号等）", required=False, max_length=300)


class ReplyForm(forms.Form):
    reply = forms.CharField(label="批复内容（文号及结论）", widget=TEXTAREA, max_length=2000)


class ExplainForm(forms.Form):
    explanation = forms.CharField(label="向中心的书面解释", widget=TEXTAREA, max_length=4000)


class ReviewDecideForm(forms.Form):
    overturn = forms.ChoiceField(
        label="复核决定",
        choices=[("no", "维持不予受理"), ("yes", "撤销不予受理，予以受理")],
        widget=forms.RadioSelect,
        initial="no",
    )
    decision = forms.CharField(label="复核意见", widget=TEXTAREA, max_length=2000)


class QueryForm(forms.Form):
    no = forms.CharField(label="受理编号", max_length=30)
    password = forms.CharField(
        label="查询密码", max_length=20, widget=forms.PasswordInput(render_value=False)
    )


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(label="申请复核的理由", widget=TEXTAREA, max_length=2000)
    contact_phone = forms.CharField(label="联系电话（可选）", required=False, max_length=30)
