"""What each printed form needs to know: one pydantic model per form.

The apps that own the records (catalog for the one-time notice, cases and complaints
later) build these from their rows and call `documents.render.render_pdf(code, ctx)`.
Values arrive already decided (deadlines from the workdays calendar, phrases from the
phrase list, numbers from the rule sets); the forms only lay them out and mask what
the citizen's part does not need whole. Identity and phone numbers are validated here
as well, so a form never prints a number nobody could use.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common import clock, identity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _checked(check, value: str) -> str:  # type: ignore[no-untyped-def]
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return check(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


class Applicant(_Model):
    """The citizen (办事职工) or the employer's agent (单位专管员)."""

    name: str = Field(min_length=1, max_length=50)
    id_number: str = ""
    phone: str = ""
    employer_name: str = ""

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str) -> str:
        return _checked(identity.validate_resident_id, value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _checked(identity.validate_landline_or_mobile, value)


class Handler(_Model):
    """The member of staff who handles the matter (承办人). Their phone is an office
    line the citizen must be able to call, so it is printed whole."""

    name: str = Field(min_length=1)
    staff_no: str = ""
    phone: str = ""
    department: str = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _checked(identity.validate_landline_or_mobile, value)


class MaterialLine(_Model):
    name: str = Field(min_length=1)
    requirement: str = ""  # 必须提交 / 视情形提交：……的
    form: str = ""  # 原件 / 复印件 / 原件及复印件
    copies: int = Field(default=1, ge=1)
    source: str = ""
    standard: str = ""  # 受理标准
    note: str = ""  # 补正说明: what is wrong with what was brought


class Signature(_Model):
    """The citizen's signature on a notice: on the counter tablet's pad (a PNG), on
    the paper list (scan archived), refused, or not yet given (a blank line)."""

    method: Literal["none", "pad", "paper", "refused"] = "none"
    image_png: bytes | None = None
    signed_at: datetime | None = None
    note: str = ""

    @model_validator(mode="after")
    def _image_only_for_pad(self) -> Signature:
        if self.method == "pad" and not self.image_png:
            raise ValueError("手签板签名缺少签名图像。")
        return self


class Opinion(_Model):
    """A signed opinion on an internal form (部门负责人意见, 分管领导意见)."""

    name: str
    text: str
    signed_at: datetime | None = None


class AppealRoute(_Model):
    """Where a citizen may turn against a refusal (002 篇5 §四3): review by the centre
    (复核), administrative reconsideration (行政复议) or an administrative suit (行政诉讼).
    The bodies and periods are supplied by the caller."""

    review_body: str
    review_phone: str = ""
    reconsideration_body: str
    reconsideration_period: str  # e.g. 自知道该决定之日起六十日内
    litigation_court: str
    litigation_period: str  # e.g. 自知道该决定之日起六个月内

    @field_validator("review_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _checked(identity.validate_landline_or_mobile, value)


class _Issued(_Model):
    centre_name: str = Field(min_length=1)
    branch_name: str = ""
    qr_url: str | None = None  # the status / rating page; None prints no QR code

    @field_validator("qr_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("二维码地址必须是完整网址（以 http:// 或 https:// 开头），手机扫码才能打开。")
        return value or None


class OneTimeNoticeContext(_Issued):
    """《一次性告知清单》 (000 §五(三)2–3)."""

    number: str
    issued_at: datetime
    channel: Literal["counter", "phone"] = "counter"
    matter_name: str
    matter_code: str
    version_number: int = Field(ge=1)
    version_effective_from: date
    applicant: Applicant
    opening_phrase: str
    closing_phrase: str
    missing: list[MaterialLine]
    provided: list[str] = []
    not_applicable: list[str] = []
    procedure: list[str]
    time_limit: str
    statutory_limit: str = ""
    place: str = ""
    hours: str = ""
    consultation_phone: str = ""
    complaint_phone: str = "12329"
    other_notes: list[str] = []
    handler: Handler
    signature: Signature = Signature()

    @model_validator(mode="after")
    def _identified(self) -> OneTimeNoticeContext:
        if self.channel == "counter" and not self.applicant.id_number:
            raise ValueError("窗口书面告知须填写办事职工的身份证号码。")
        if self.channel == "phone" and not (self.applicant.phone or self.applicant.id_number):
            raise ValueError("电话告知须记录来电号码或身份证号码。")
        return self


class AcceptanceNoticeContext(_Issued):
    """受理通知单: the eight items of 002 篇5 §二2."""

    receipt_no: str
    query_password: str = Field(min_length=4)
    applicant: Applicant  # ① 申请人姓名、联系电话
    matter_name: str  # ② 审批事项名称
    matter_code: str = ""
    accepting_body: str  # ③ 受理机关名称
    handler: Handler  # ④ 承办人姓名、联系电话
    promised_days: int = Field(ge=0)  # ⑤ 承诺办理时限
    deadline: date
    accepted_at: datetime  # ⑥ 受理时间及取件时间
    pickup_on: date
    pickup_note: str = ""
    query_channels: list[str] = Field(min_length=1)  # ⑧ 办件查询、评议、投诉渠道
    rating_channels: list[str] = Field(min_length=1)
    complaint_channels: list[str] = Field(min_length=1)
    materials_received: list[str] = []

    @model_validator(mode="after")
    def _dates(self) -> AcceptanceNoticeContext:
        if self.deadline < self.accepted_at.date():
            raise ValueError("承诺办结日期不能早于受理日期。")
        if self.pickup_on < self.accepted_at.date():
            raise ValueError("取件日期不能早于受理日期。")
        if not self.applicant.phone:
            raise ValueError("受理通知单须有申请人联系电话（002 篇5 §二2①）。")
        if not self.handler.phone:
            raise ValueError("受理通知单须有承办人联系电话（002 篇5 §二2④）。")
        return self


class SupplementNoticeContext(_Issued):
    """补办件通知单 (002 篇5 §二4; 002 篇3 §三13)."""

    number: str
    issued_at: datetime
    receipt_no: str = ""
    applicant: Applicant
    matter_name: str
    matter_code: str = ""
    handler: Handler
    opening_phrase: str
    items: list[MaterialLine] = Field(min_length=1)
    promised_days: int = Field(ge=0)
    place: str = ""
    consultation_phone: str = ""
    complaint_phone: str = "12329"


REJECTION_FOR_MISSING_MATERIALS = ("材料不全", "材料不齐", "缺少材料", "材料不完整")


class RejectionNoticeContext(_Issued):
    """退回件（不予受理）通知单 (002 篇5 §二5, §四2–3; 002 篇3 §三13 《不予受理通知书》)."""

    number: str
    issued_at: datetime
    applicant: Applicant
    matter_name: str
    matter_code: str = ""
    handler: Handler
    reason: str = Field(min_length=4)
    legal_basis: str = Field(min_length=2)
    returned_materials: list[str] = []
    appeal: AppealRoute
    complaint_phone: str = "12329"

    @field_validator("reason")
    @classmethod
    def _not_for_missing_materials(cls, value: str) -> str:
        # 002 篇5 §二5: 窗口单位不得以申请人提交的材料不全为由拒绝受理 — that is a 补办件.
        if any(word in value for word in REJECTION_FOR_MISSING_MATERIALS):
            raise ValueError(
                "不得以申请人提交的材料不全为由不予受理（002 篇5 §二5），材料不全请出具补办件通知单。"
            )
        return value


class CompletionNoticeContext(_Issued):
    """办结通知单 (002 篇5 §四1–2)."""

    receipt_no: str
    applicant: Applicant
    matter_name: str
    matter_code: str = ""
    handler: Handler
    accepted_at: datetime
    deadline: date
    completed_at: datetime
    outcome: Literal["approved", "refused"]
    result: str = Field(min_length=2)
    transaction_no: str = ""  # 核心业务系统的业务流水号
    refusal_reason: str = ""
    appeal: AppealRoute | None = None
    delivery: str = ""  # 领取 / 送达方式
    rating_channels: list[str] = Field(min_length=1)
    complaint_phone: str = "12329"

    @model_validator(mode="after")
    def _refusal_explained(self) -> CompletionNoticeContext:
        if self.completed_at < self.accepted_at:
            raise ValueError("办结时间不能早于受理时间。")
        if self.outcome == "refused" and not (self.refusal_reason and self.appeal):
            raise ValueError(
                "不予批准的，须书面说明理由并告知复核、行政复议或行政诉讼途径（002 篇5 §四2、3）。"
            )
        return self


class ExtensionFormContext(_Issued):
    """办理事项延期申请表 (000 §五(二)4; 000 §五(二)5(2))."""

    receipt_no: str
    department: str  # 受理事项的部门
    applicant: Applicant
    matter_name: str
    matter_code: str = ""
    accepted_at: datetime
    promised_days: int = Field(ge=0)
    original_deadline: date
    reason: str = Field(min_length=4)
    extension_days: int = Field(ge=1)
    requested_deadline: date
    explained_to_applicant: bool
    explained_note: str = ""
    handler: Handler
    applied_at: datetime
    head_opinion: Opinion | None = None
    leader_opinion: Opinion | None = None

    @model_validator(mode="after")
    def _later(self) -> ExtensionFormContext:
        if self.requested_deadline <= self.original_deadline:
            raise ValueError("申请延期后的办结日期必须晚于原承诺办结日期。")
        return self

    @property
    def applied_late(self) -> bool:
        """000 §五(二)5(2): 超过承诺办结时限才提出延期申请的，视为超时办结."""
        applied = clock.local(self.applied_at) if timezone.is_aware(self.applied_at) else self.applied_at
        return applied.date() > self.original_deadline
