"""The data migration of the case timeline (cases 0004): events written by the services
name their supplement, extension, handover, escalation or review; taking the columns
away (back to 0002) and migrating forward again finds the same record for every event,
including several extensions and handovers of one case. Both databases (the second pass
of scripts/test.sh runs it on PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases import services
from cases.models import CaseEvent, CaseStatus, EventKind
from cases.tests.conftest import CREDIT_CODE, MOBILE, PERSON_ID, first_material, marks_for
from catalog.models import Matter
from org.models import Department
from workdays.calendar import calendar_index

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0002_one_clock"
COLUMNS = ["supplement", "extension", "handover", "escalation", "review"]


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("cases", target)])


def _latest() -> str:
    executor = MigrationExecutor(connection)
    return next(name for app, name in executor.loader.graph.leaf_nodes() if app == "cases")


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, CaseEvent._meta.db_table)
    return {column.name for column in table}


def _links() -> dict[int, tuple]:
    rows = CaseEvent.objects.order_by("pk").values_list("pk", "kind", *(f"{c}_id" for c in COLUMNS))
    return {pk: (kind, *ids) for pk, kind, *ids in rows}


@pytest.fixture
def timeline(reference_data, users, make_user, clock):
    """Cases through every kind of event that names a part of the case."""
    from django.core.management import call_command

    call_command("seed_catalog")
    teller, head, leader, office = (users[n] for n in ("teller1", "head1", "leader1", "office1"))

    def register(code="DK015", *, missing=(), employer=False, **extra):
        if employer:
            applicant = services.ApplicantData(
                name="邯郸市示例科技有限公司",
                phone=MOBILE,
                credit_code=CREDIT_CODE,
                agent_name="王芳",
                agent_id_number=PERSON_ID,
            )
        else:
            applicant = services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID)
        return services.case_register(
            actor=teller,
            matter=Matter.objects.get(code=code),
            applicant=applicant,
            marks=marks_for(code, missing=missing, on=clock().date()),
            idempotency_key=uuid.uuid4(),
            **extra,
        ).case

    def later(case, days):
        return calendar_index().add_workdays(case.deadline, days)

    clock.set(2026, 11, 2, 9)
    # Materials missing, then received: the 补办件通知单 completed.
    name = first_material("DK015")
    waiting = register(missing=(name,))
    code = waiting.materials.get(status="missing").material.code
    services.case_supplement_receive(actor=teller, case=waiting, material_codes=[code])
    # Refused while waiting, reviewed and overturned: the notice closed and opened again.
    refused = register(missing=(name,))
    services.case_reject(
        actor=teller, case=refused, rejection=services.Rejection("conditions_not_met", "不符合贷款条件的情形")
    )
    services.case_review_request(case=refused, reason="我认为符合条件，请中心复核这个决定")
    services.case_review_decide(actor=office, case=refused, overturn=True, decision="撤销不予受理，请补齐")
    # Two handovers to one department (the first answered) and one to another.
    gj, tq = Department.objects.get(code="GJ"), Department.objects.get(code="TQ")
    joint = register("DK016")
    first, _ = services.case_handover_register(actor=teller, case=joint, departments=[gj, tq], limit_days=2)
    services.case_handover_answer(actor=make_user("teller", department=gj), handover=first, opinion="同意")
    clock.set(2026, 11, 3, 9)
    (again,) = services.case_handover_register(actor=teller, case=joint, departments=[gj], limit_days=1)
    services.case_handover_cancel(actor=teller, handover=again, reason="登记错误")
    # Two extensions of one case: the first refused by the head, the second approved.
    extended = register()
    ask = {"actor": teller, "case": extended, "reason": "需要核实材料", "explained_to_applicant": True}
    ext = services.case_extension_request(requested_deadline=later(extended, 3), **ask)
    services.case_extension_head_opinion(actor=head, extension=ext, agree=False, opinion="不同意")
    clock.set(2026, 11, 4, 9)
    ext = services.case_extension_request(requested_deadline=later(extended, 4), **ask)
    services.case_extension_head_opinion(actor=head, extension=ext, agree=True, opinion="同意")
    services.case_extension_leader_decision(actor=leader, extension=ext, approve=True, opinion="同意")
    # Forwarded and replied.
    escalated = register("GJ019", employer=True)
    services.case_escalate(actor=teller, case=escalated, authority="住房公积金管理委员会")
    services.case_escalation_reply(actor=teller, case=escalated, reply="同意缓缴12个月")
    # Withdrawn with a handover open and an extension pending.
    withdrawn = register("DK016")
    services.case_handover_register(actor=teller, case=withdrawn, departments=[gj], limit_days=2)
    services.case_extension_request(requested_deadline=later(withdrawn, 2), **(ask | {"case": withdrawn}))
    services.case_withdraw(actor=teller, case=withdrawn, reason="申请人书面申请撤回")
    return {"refused": refused, "joint": joint, "extended": extended, "withdrawn": withdrawn}


def test_the_services_name_the_part_of_every_event(timeline):
    links = _links()
    kinds = {kind for kind, *_ in links.values()}
    assert {EventKind.MATERIALS, EventKind.EXTENSION, EventKind.HANDOVER, EventKind.ESCALATION} <= kinds
    assert EventKind.REVIEW in kinds
    refused = timeline["refused"]
    refused.refresh_from_db()
    assert refused.status == CaseStatus.SUPPLEMENT
    moves = list(refused.supplement.events.values_list("from_status", "to_status"))
    assert moves == [("open", "closed"), ("closed", "open")]
    withdrawn = timeline["withdrawn"]
    assert not withdrawn.handovers.filter(status="open").exists()
    assert set(withdrawn.extensions.values_list("status", flat=True)) == {"refused"}
    assert withdrawn.events.filter(kind=EventKind.HANDOVER, to_status="cancelled").exists()


def test_migrating_the_timeline_again_finds_the_same_records(timeline):
    before = _links()
    latest = _latest()
    try:
        _migrate(BEFORE)
        assert "extension_id" not in _columns()
        _migrate(latest)
    finally:
        _migrate(latest)
    assert _links() == before
