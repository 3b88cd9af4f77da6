"""Intake (000 §五(四)2, §8(1) 投诉受理; 001 第四十六条 投诉登记): a complaint from any
channel gets its number, its query password (only the hash is kept; 002 篇5) and the
limit of an unclassified complaint; the public web form, the look-up by number and
password, attachments (§10 证明资料), a new password and the logged reveal of contacts.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction

from audit.services import audit_record
from common import clock
from common.actors import Actor, forbidden, user_or_none
from common.errors import DomainError
from common.identity import validate_landline_or_mobile
from common.passwords import check_against_nothing
from common.uploads import check_upload
from complaints.conf import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_FILES,
    ATTACHMENT_TYPES,
    party_committee_scopes,
)
from complaints.models import (
    COUNTER_CHANNELS,
    NEW,
    Attachment,
    Channel,
    Complaint,
    ComplaintSequence,
    ContactPreference,
    RelatedKind,
    Status,
)
from complaints.selectors import Step
from complaints.services._common import (
    PUBLIC_ACTOR,
    due_text,
    locked,
    require_step,
    set_limit,
    stay,
    timeline_row,
)
from org.access import has_role, user_roles
from org.models import Branch, Department, Role, Staff, Window
from rules.models import RuleKind
from rules.selectors import rules_in_force


def new_query_password() -> str:
    """Eight digits: easy to read out on the 12329 line, 10^8 combinations, and the
    look-up is rate-limited per address and per number."""
    return f"{secrets.randbelow(10**8):08d}"


@transaction.atomic
def complaint_register(
    *,
    actor: Actor,
    channel: str,
    subject: str,
    content: str,
    received_at: datetime | None = None,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_address: str = "",
    complainant_unit: str = "",
    contact_preference: str = ContactPreference.PHONE,
    occurred_on: date | None = None,
    place: str = "",
    branch: Branch | None = None,
    window: Window | None = None,
    department: Department | None = None,
    staff: Staff | None = None,
    staff_description: str = "",
    matter: str = "",
    matter_code: str = "",
    scope_codes: Sequence[str] = (),
    related_kind: str = "",
    related_ref: str = "",
    suggestion: str = "",
    external_ref: str = "",
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> tuple[Complaint, str]:
    """Register a complaint from any channel. Returns it and its query password (in
    clear, the only time it exists; only its hash is stored). The answer is due
    within the limit of the rule set's `unclassified_as` class until it is
    classified, counted from the day after receipt."""
    now = now or clock.now()
    # A string actor is the public web form, a device or an import acting for the centre.
    # Window staff register what reaches them at the counter (001 第四十六条(一)); the
    # office registers every channel.
    if not isinstance(actor, str):
        if actor is None or not user_roles(actor):
            raise forbidden("投诉由工作人员登记。")
        if not has_role(actor, Role.OFFICE) and channel not in COUNTER_CHANNELS:
            raise forbidden("窗口工作人员可登记来访、来电和来信投诉；其他渠道的投诉由业务管理处登记。")
    received_at = received_at or now
    if received_at > now + clock.skew_tolerance():
        raise DomainError("收到时间不能晚于现在。", code="invalid_input")
    received_on = clock.local_date(received_at)
    if channel not in Channel.values:
        raise DomainError("请选择投诉渠道。", code="invalid_input")
    subject, content = subject.strip(), content.strip()
    if not subject:
        raise DomainError("请用一句话写明投诉事由。", code="invalid_input")
    if not content:
        raise DomainError("请写明投诉的具体内容：什么时间、在哪里、发生了什么。", code="invalid_input")
    if occurred_on and occurred_on > received_on:
        raise DomainError("发生日期不能晚于收到投诉的日期。", code="invalid_input")
    contact = _contact(
        anonymous=anonymous,
        name=complainant_name,
        phone=complainant_phone,
        email=complainant_email,
        address=complainant_address,
        preference=contact_preference,
    )
    if window is not None:
        if branch is not None and window.branch_id != branch.pk:
            raise DomainError("所选窗口不属于所选的管理部，请重新选择。", code="invalid_input")
        branch = window.branch
    if staff is not None:
        branch = branch or staff.branch
        department = department or staff.department
    if related_kind and related_kind not in RelatedKind.values:
        raise DomainError("关联记录类型无效。", code="invalid_input")
    if related_kind and not related_ref.strip():
        raise DomainError("请填写关联记录的编号（如办件受理编号、取号号码）。", code="invalid_input")

    rules = rules_in_force(RuleKind.COMPLAINT, received_on)
    known_scope = {s.code for s in rules.params.scope}
    unknown = [code for code in scope_codes if code not in known_scope]
    if unknown:
        raise DomainError(f"受理范围代码无效：{'、'.join(unknown)}。", code="invalid_input")
    password = new_query_password()
    complaint = Complaint(
        no=_next_no(clock.local_date(now)),
        query_password_hash=make_password(password),
        channel=channel,
        external_ref=external_ref.strip(),
        received_at=received_at,
        received_on=received_on,
        registered_by=user_or_none(actor),
        complainant_unit=complainant_unit.strip(),
        complainant_address=complainant_address.strip(),
        subject=subject[:100],
        content=content,
        occurred_on=occurred_on,
        place=place.strip(),
        branch=branch,
        window=window,
        department=department,
        staff=staff,
        staff_description=staff_description.strip(),
        matter=matter.strip(),
        matter_code=matter_code.strip(),
        scope_codes=list(dict.fromkeys(scope_codes)),
        related_kind=related_kind,
        related_ref=related_ref.strip() if related_kind else "",
        suggestion=suggestion.strip(),
        party_committee_leads=bool(set(scope_codes) & party_committee_scopes()),
        status=Status.RECEIVED,
        rules_ref=rules.ref,
        clock_start_on=received_on,
        **contact,
    )
    set_limit(complaint, rules.params, rules.params.unclassified_as)
    complaint.save()
    if attachments:
        _attach(complaint, attachments, actor=actor, by_complainant=isinstance(actor, str))
    due = due_text(complaint)
    timeline_row(
        complaint,
        actor=actor,
        action="register",
        title="登记",
        from_status=NEW,
        to_status=complaint.status,
        note=f"{Channel(channel).label}：{subject}",
        public_note=f"您的投诉已收到。{due}",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.complaint.register",
        obj=complaint,
        summary=f"登记投诉 {complaint.no}（{Channel(channel).label}）",
        changes={
            "status": [None, complaint.status],
            "rules": rules.ref,
            "reply_due": str(complaint.reply_due),
        },
    )
    return complaint, password


def complaint_submit_public(**fields: Any) -> tuple[Complaint, str]:
    """A citizen's web complaint (no login): channel 网上投诉, anonymous allowed."""
    return complaint_register(actor=PUBLIC_ACTOR, channel=Channel.WEB, **fields)


def complaint_public_lookup(no: str, password: str) -> Complaint | None:
    """The complaint for a number and its query password, or None — the same None,
    after the same work, for an unknown number and a wrong password."""
    complaint = Complaint.objects.filter(no=no.strip().upper()).first()
    if complaint is None:
        check_against_nothing(password)
        return None
    if not check_password(password, complaint.query_password_hash):
        return None
    return complaint


@transaction.atomic
def complaint_password_reset(*, actor: Actor, complaint: Complaint) -> str:
    """A new query password for a complainant who lost theirs (told once, by phone)."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.RESET_PASSWORD)
    password = new_query_password()
    complaint.query_password_hash = make_password(password)
    complaint.save(update_fields=["query_password_hash"])
    audit_record(
        actor=actor, action="complaints.complaint.reset_password", obj=complaint, summary="重置查询密码"
    )
    return password


def complaint_contact_reveal(*, actor: Actor, complaint: Complaint) -> dict[str, str]:
    """The complainant's full contact, shown on request and logged (lists mask it)."""
    require_step(actor, complaint, Step.REVEAL)
    audit_record(
        actor=actor,
        action="complaints.complaint.reveal_contact",
        obj=complaint,
        summary=f"查看 {complaint.no} 投诉人完整联系方式",
    )
    return {
        "name": complaint.complainant_name,
        "phone": complaint.complainant_phone,
        "email": complaint.complainant_email,
        "address": complaint.complainant_address,
    }


@transaction.atomic
def complaint_attach(
    *, actor: Actor, complaint: Complaint, files: Sequence[UploadedFile], now: datetime | None = None
) -> list[Attachment]:
    complaint = locked(complaint)
    require_step(actor, complaint, Step.ATTACH)
    rows = _attach(complaint, files, actor=actor, by_complainant=False)
    stay(
        complaint,
        actor=actor,
        action="attach",
        title="补充证明资料",
        note="、".join(a.name for a in rows),
        public_note="",
        at=now or clock.now(),
        fields=[],
    )
    return rows


def _contact(
    *, anonymous: bool, name: str, phone: str, email: str, address: str, preference: str
) -> dict[str, Any]:
    name, email, address = name.strip(), email.strip(), address.strip()
    if preference not in ContactPreference.values:
        raise DomainError("请选择希望的答复方式。", code="invalid_input")
    if phone.strip():
        try:
            phone = validate_landline_or_mobile(phone)
        except ValidationError as exc:
            raise DomainError(f"联系电话：{exc.messages[0]}", code="invalid_input") from None
    else:
        phone = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("电子邮箱格式不正确，例如 name@example.com。", code="invalid_input") from None
    if not anonymous and not name:
        raise DomainError("请填写投诉人姓名；不愿留名的请选择匿名投诉。", code="invalid_input")
    needed = {
        ContactPreference.PHONE: (phone, "联系电话"),
        ContactPreference.SMS: (phone, "手机号码"),
        ContactPreference.EMAIL: (email, "电子邮箱"),
        ContactPreference.LETTER: (address, "通信地址"),
    }
    if preference in needed and not needed[ContactPreference(preference)][0]:
        raise DomainError(
            f"选择以“{ContactPreference(preference).label}”答复的，请填写{needed[ContactPreference(preference)][1]}；"
            "不留联系方式的，请选择“只在网上查询”。",
            code="invalid_input",
        )
    return {
        "anonymous": anonymous,
        "complainant_name": "" if anonymous else name,
        "complainant_phone": phone,
        "complainant_email": email,
        "contact_preference": preference,
    }


def _attach(
    complaint: Complaint, files: Iterable[UploadedFile], *, actor: Actor, by_complainant: bool
) -> list[Attachment]:
    files = list(files)
    if complaint.attachments.count() + len(files) > ATTACHMENT_MAX_FILES:
        raise DomainError(f"每件投诉最多 {ATTACHMENT_MAX_FILES} 个附件。", code="invalid_input")
    rows = []
    for upload in files:
        name, content_type = check_upload(upload, types=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES)
        rows.append(
            Attachment.objects.create(
                complaint=complaint,
                file=upload,
                name=name,
                size=upload.size or 0,
                content_type=content_type,
                uploaded_by=user_or_none(actor),
                by_complainant=by_complainant,
            )
        )
    return rows


def _next_no(day: date) -> str:
    seq, _ = ComplaintSequence.objects.select_for_update().get_or_create(day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"TS{day:%Y%m%d}-{seq.last:04d}"
