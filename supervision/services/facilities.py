"""Facilities with a validity date (000 §四(三)3 消防设施: 灭火器、消防栓，均在有效期;
§四(二)5 the first-aid box): registering one, renewing it (refill, replacement,
inspection: a new date) and retiring it."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.actors import Actor, forbidden
from org.access import has_role
from org.models import Branch, Role
from supervision.models import Facility, FacilityKind, FacilityStatus
from supervision.selectors import is_branch_head
from supervision.services._common import FACILITY_ROLES, invalid, record_event, require


def _facility_access(actor: Actor, branch: Branch) -> None:
    require(actor, FACILITY_ROLES, "维护消防与便民设施")
    head_only = has_role(actor, Role.HEAD) and not has_role(actor, Role.OFFICE, Role.INSPECTOR, Role.ADMIN)  # type: ignore[arg-type]
    if head_only and not is_branch_head(actor, branch.pk):
        raise forbidden("部门负责人只能维护本管理部的设施。")


@transaction.atomic
def facility_register(
    *,
    actor: Actor,
    branch: Branch,
    kind: str,
    name: str,
    location: str,
    valid_until: date,
    serial: str = "",
    note: str = "",
    last_checked_on: date | None = None,
) -> Facility:
    _facility_access(actor, branch)
    if kind not in FacilityKind.values:
        raise invalid("请选择设施类别。")
    if not name.strip() or not location.strip():
        raise invalid("请填写名称规格和摆放位置。")
    if last_checked_on and last_checked_on > clock.today():
        raise invalid("最近检查日期不能晚于今天。")
    facility = Facility.objects.create(
        branch=branch,
        kind=kind,
        name=name.strip(),
        location=location.strip(),
        serial=serial.strip(),
        valid_until=valid_until,
        last_checked_on=last_checked_on,
        status=FacilityStatus.IN_SERVICE,
        note=note.strip(),
    )
    record_event(facility, actor=actor, note=f"有效期至{valid_until:%Y-%m-%d}", created=True)
    audit_record(
        actor=actor,
        action="supervision.facility.register",
        obj=facility,
        summary=f"登记{facility}，有效期至{valid_until:%Y-%m-%d}",
    )
    return facility


@transaction.atomic
def facility_renew(
    *, actor: Actor, facility: Facility, valid_until: date, checked_on: date, note: str
) -> Facility:
    """Refilled, replaced or inspected: a new validity date."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _facility_access(actor, facility.branch)
    if checked_on > clock.today():
        raise invalid("检查日期不能晚于今天。")
    if valid_until <= checked_on:
        raise invalid("新的有效期应晚于检查（更换、充装）日期。")
    if not note.strip():
        raise invalid("请写明做了什么（充装、更换、年检……）。")
    before = facility.valid_until
    facility.valid_until = valid_until
    facility.last_checked_on = checked_on
    transition(
        facility,
        FacilityStatus.IN_SERVICE,
        actor=actor,
        note=f"{note.strip()}：有效期 {before:%Y-%m-%d} → {valid_until:%Y-%m-%d}",
        fields=["valid_until", "last_checked_on"],
        audit="supervision.facility.renew",
        summary=f"有效期 {before:%Y-%m-%d} → {valid_until:%Y-%m-%d}",
        changes={"valid_until": [str(before), str(valid_until)]},
    )
    return facility


@transaction.atomic
def facility_retire(*, actor: Actor, facility: Facility, reason: str) -> Facility:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _facility_access(actor, facility.branch)
    if not reason.strip():
        raise invalid("请填写停用理由。")
    transition(
        facility,
        FacilityStatus.RETIRED,
        actor=actor,
        note=reason.strip(),
        audit="supervision.facility.retire",
        summary=f"停用：{reason[:100]}",
    )
    return facility
