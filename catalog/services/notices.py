"""The one-time notice (一次性告知, 000 §五(三)): the citizen it is for, issuing it (every
material of the version in force recorded as brought, still needed or not applicable;
a second notice of the same visit refused; a notice that adds a material the first
notice's version already required flagged as a breach, 000 §五(三)6), and voiding it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from audit.services import audit_record
from catalog.models import (
    ItemStatus,
    MaterialRequirement,
    Matter,
    MatterStatus,
    NoticeChannel,
    NoticeSequence,
    NoticeStatus,
    OneTimeNotice,
    OneTimeNoticeItem,
)
from catalog.selectors import breach_findings, same_citizen, version_in_force
from catalog.services._common import locked_notice, move_notice
from common import clock, identity
from common.actors import AnyActor, event_actor
from common.errors import Conflict, DomainError
from org.models import Branch


@dataclass(frozen=True)
class Citizen:
    """Who the notice is for: name and identity number (validated); on the phone a
    phone number suffices (000 §五(三)3)."""

    name: str
    id_number: str = ""
    phone: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""

    def validated(self, channel: str) -> Citizen:
        problems: list[str] = []
        name = self.name.strip()
        if not name:
            problems.append("请填写办事职工姓名。")
        elif len(name) > 50:
            problems.append("姓名最多50个字。")
        id_number, phone, credit = (
            self.id_number.strip(),
            self.phone.strip(),
            self.employer_credit_code.strip(),
        )
        if channel == NoticeChannel.COUNTER and not id_number:
            problems.append("窗口书面告知须填写办事职工的身份证号码。")
        if channel == NoticeChannel.PHONE and not (phone or id_number):
            problems.append("电话告知须记录来电号码（或身份证号码）。")
        for value, check in (
            (id_number, identity.validate_resident_id),
            (phone, identity.validate_landline_or_mobile),
            (credit, identity.validate_uscc),
        ):
            if value:
                try:
                    check(value)
                except ValidationError as exc:
                    problems.append(exc.messages[0])
        if problems:
            raise DomainError("；".join(problems), code="invalid_citizen", problems=problems)
        return Citizen(
            name=name,
            id_number=identity.validate_resident_id(id_number) if id_number else "",
            phone=identity.validate_landline_or_mobile(phone) if phone else "",
            employer_name=self.employer_name.strip()[:100],
            employer_credit_code=identity.validate_uscc(credit) if credit else "",
        )


def _next_number(branch: Branch, day: date) -> str:
    updated = NoticeSequence.objects.filter(branch=branch, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                NoticeSequence.objects.create(branch=branch, day=day, last=1)
        except IntegrityError:  # created by a concurrent transaction in the meantime
            NoticeSequence.objects.filter(branch=branch, day=day).update(last=F("last") + 1)
    last = NoticeSequence.objects.get(branch=branch, day=day).last
    return f"{branch.code}-{day:%Y%m%d}-{last:04d}"


@transaction.atomic
def notice_issue(
    *,
    actor: AuthUser,
    branch: Branch,
    matter: Matter,
    channel: str,
    citizen: Citizen,
    statuses: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
    other_notes: str = "",
    now: datetime | None = None,
) -> OneTimeNotice:
    """Produce the one-time notice of a visit or a phone consultation: every material of
    the current guide version is recorded as brought, still needed or not applicable.
    A second notice for the same citizen and matter at the same branch on the same day
    (the same visit) is refused; a notice that adds a material the first notice's version already required
    is issued and flagged as a breach of the one-time rule."""
    if channel not in NoticeChannel.values:
        raise DomainError("告知方式只能是窗口书面告知或电话口头告知。", code="invalid_channel")
    now = now or clock.now()
    today = clock.local(now).date()
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status != MatterStatus.ACTIVE:
        raise Conflict(
            f"该事项目前{MatterStatus(matter.status).label}，不能出具一次性告知清单。",
            code="matter_not_active",
        )
    version = version_in_force(matter, today)
    if version is None:
        raise Conflict("该事项目前没有施行中的办事指南。", code="no_version")
    materials = list(version.materials.order_by("order"))
    if not materials:
        raise DomainError(
            "该事项由中心内部办理，无需申请人提交材料，不需要出具一次性告知清单。", code="no_materials"
        )
    citizen = citizen.validated(channel)
    notes = {k: (v or "").strip()[:200] for k, v in (notes or {}).items()}

    by_id = {m.pk: m for m in materials}
    if set(statuses) != set(by_id):
        raise Conflict(
            "材料清单与当前施行的办事指南不一致（办事指南可能刚刚修订），请刷新页面后重新勾选。",
            code="stale_materials",
        )
    problems = []
    for material_id, status in statuses.items():
        material = by_id[material_id]
        if status not in ItemStatus.values:
            problems.append(f"“{material.name}”的情况无效。")
        elif status == ItemStatus.NOT_APPLICABLE and material.requirement != MaterialRequirement.CONDITIONAL:
            problems.append(f"“{material.name}”是必须提交的材料，不能记为不适用。")
        elif status == ItemStatus.BROUGHT and channel == NoticeChannel.PHONE:
            problems.append("电话咨询时办事职工没有提交材料，材料只能记为“尚需提交”或“不适用”。")
            break
    if problems:
        raise DomainError("；".join(problems), code="invalid_items", problems=problems)
    missing = [by_id[i] for i, s in statuses.items() if s == ItemStatus.MISSING]
    missing.sort(key=lambda m: m.order)
    if not missing and channel == NoticeChannel.COUNTER:
        raise DomainError("材料已经齐全，无需出具一次性告知清单，请直接受理。", code="nothing_missing")

    same_visit = (
        OneTimeNotice.objects.standing()
        .filter(matter=matter, business_date=today, branch=branch)
        .filter(same_citizen(citizen))
        .first()
    )
    if same_visit is not None:
        raise Conflict(
            f"该办事职工今天已就此事项出具过一次性告知清单（编号 {same_visit.number}），"
            "一次来访只出具一份清单，请重新打印原清单。",
            code="already_notified",
            number=same_visit.number,
        )

    first, findings = breach_findings(matter=matter, citizen=citizen, missing=missing, before=now)
    breach_by_id = {f.material.pk: f for f in findings}
    user, label = event_actor(actor)
    notice = OneTimeNotice.objects.create(
        number=_next_number(branch, today),
        branch=branch,
        matter=matter,
        version=version,
        channel=channel,
        status=NoticeStatus.ISSUED if channel == NoticeChannel.COUNTER else NoticeStatus.RECORDED,
        citizen_name=citizen.name,
        citizen_id_number=citizen.id_number,
        citizen_phone=citizen.phone,
        employer_name=citizen.employer_name,
        employer_credit_code=citizen.employer_credit_code,
        other_notes=other_notes.strip()[:2000],
        business_date=today,
        issued_at=now,
        issued_by=actor,
        breach=bool(findings),
        breach_of=first if findings else None,
        breach_note="\n".join(f"《{f.material.name}》：{f.reason}" for f in findings),
    )
    OneTimeNoticeItem.objects.bulk_create(
        OneTimeNoticeItem(
            notice=notice,
            material=material,
            status=statuses[material.pk],
            note=notes.get(material.pk, ""),
            breach=material.pk in breach_by_id,
            breach_reason=breach_by_id[material.pk].reason if material.pk in breach_by_id else "",
        )
        for material in materials
    )
    notice.events.create(
        actor=user,
        actor_label=label,
        to_status=notice.status,
        note=NoticeChannel(channel).label,
        at=now,
    )
    audit_record(
        actor=actor,
        action="catalog.notice.issue",
        obj=notice,
        summary=(
            f"一次性告知 {notice.number}：{version.name}（第{version.number}版），"
            f"尚需提交 {len(missing)} 项，{NoticeChannel(channel).label}"
            + (f"；违反一次性告知：{len(findings)} 项材料首次告知时已应列明" if findings else "")
        ),
        changes={
            "matter": matter.code,
            "version": version.number,
            "missing": [m.code for m in missing],
            "breach": [f.material.code for f in findings],
            "breach_of": first.number if findings and first else None,
        },
    )
    return notice


@transaction.atomic
def notice_void(*, actor: AnyActor, notice: OneTimeNotice, reason: str) -> OneTimeNotice:
    """作废 (e.g. the wrong matter was chosen). The notice is kept with the reason; a
    voided notice no longer counts for the same-visit rule nor as an earlier notice."""
    notice = locked_notice(notice)
    if not reason.strip():
        raise DomainError("请填写作废原因。", code="reason_required")
    move_notice(notice, NoticeStatus.VOIDED, actor=actor, note=reason.strip(), verb="作废")
    return notice
