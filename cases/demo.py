"""Demo cases for the demo centre (loaded by `manage.py seed_demo` after the centre):
one case in every state a window meets — on time, due today, overdue, waiting for
materials, waiting for another department, escalated and owing an explanation, an
extension waiting for the head, completed and waiting for delivery, delivered, and a
refusal under review. Dates are counted back from today on the working-day calendar,
so the worklists show them as they would be. Idempotent (fixed submission keys)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case
from catalog.models import Matter
from common import clock
from org.models import Department
from workdays.calendar import CalendarNotPublished, calendar_index

NAMESPACE = uuid.UUID("5d6b2a4e-5d0b-4b9e-9a39-3f1b0c2a7c11")
PEOPLE = [
    ("李明", "130402198807150027", "13831001234"),
    ("张秀兰", "130403199003210048", "13903101122"),
    ("王强", "130404198512300019", "13731005566"),
    ("赵丽", "130406199207080029", "15832007788"),
    ("陈建华", "130481198001150031", "13931009900"),
    ("刘洋", "130402199511110055", "18831002233"),
]
EMPLOYER = ("邯郸市示例科技有限公司", "91130400MA0CXXXX02", "王芳", "130403199003210048", "13903101122")


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _workday_before(day: date, n: int) -> date:
    cal = calendar_index()
    d = day
    while n > 0:
        d -= timedelta(days=1)
        if cal.is_workday(d):
            n -= 1
    return d


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _person(i: int, phone: str | None = None) -> services.ApplicantData:
    name, id_number, mobile = PEOPLE[i % len(PEOPLE)]
    return services.ApplicantData(name=name, id_number=id_number, phone=phone or mobile)


def _employer() -> services.ApplicantData:
    name, code, agent, agent_id, phone = EMPLOYER
    return services.ApplicantData(
        name=name, credit_code=code, agent_name=agent, agent_id_number=agent_id, phone=phone
    )


def _marks(code: str, on: date, missing: int = 0) -> dict[str, services.MaterialMark]:
    from catalog.selectors import version_in_force

    version = version_in_force(Matter.objects.get(code=code), on)
    assert version is not None
    marks = {}
    required_seen = 0
    for m in version.materials.order_by("order"):
        if m.requirement == "conditional":
            marks[m.code] = services.MaterialMark("not_applicable")
        elif required_seen < missing:
            marks[m.code] = services.MaterialMark(
                "missing", "复印件不清晰，请重新复印并加盖单位公章" if required_seen else ""
            )
            required_seen += 1
        else:
            marks[m.code] = services.MaterialMark("received")
    return marks


def load_demo() -> str:
    users = {
        u.username: u
        for u in get_user_model()
        .objects.select_related("staff")
        .filter(username__in=["teller1", "teller2", "teller3", "head1", "leader1", "office1"])
    }
    if len(users) < 6:
        return "跳过（演示中心的账号不全）"
    today = clock.today()
    try:
        calendar_index().is_workday(today)
        days = [_workday_before(today, n) for n in range(0, 12)]
    except CalendarNotPublished as exc:
        return f"跳过（{exc.year}年的节假日安排尚未发布）"
    if Case.objects.filter(idempotency_key=_key("on-time")).exists():
        return "已存在"
    with transaction.atomic():
        made = _load(users, today, days)
    counts = services.cases_sweep()
    return f"{len(made)} 件，覆盖办件的各种状态（超时认定 {counts['overdue']} 件）"


def _load(users: dict, today: date, days: list[date]) -> list[Case]:
    t1, t3 = users["teller1"], users["teller3"]

    def register(
        name: str, code: str, day: date, hour: int, *, actor=t1, applicant=None, missing=0, **kw
    ) -> Case:
        reg = services.case_register(
            actor=actor,
            matter=Matter.objects.get(code=code),
            applicant=applicant or _person(len(name)),
            marks=_marks(code, day, missing),
            idempotency_key=_key(name),
            now=_at(day, hour),
            **kw,
        )
        return reg.case

    made = []
    # On time: a 5-day loan matter accepted two working days ago.
    made.append(register("on-time", "DK015", days[2], 9, applicant=_person(0)))
    # Due today: a 1-day transfer accepted yesterday.
    made.append(register("due-today", "GJ014", days[1], 10, applicant=_employer()))
    # Overdue: a 5-day matter accepted seven working days ago, still open.
    late = register("overdue", "DK020", days[7], 14, applicant=_person(2))
    made.append(late)
    # Waiting for materials.
    made.append(register("supplement", "DK015", days[1], 15, applicant=_person(3), missing=2))
    # Joint: 商转公 handed to 归集处.
    joint = register("joint", "DK016", days[3], 10, applicant=_person(4))
    services.case_handover_register(
        actor=t1,
        case=joint,
        departments=[Department.objects.get(code="GJ")],
        limit_days=3,
        now=_at(days[2], 9),
        note="请核对借款人缴存记录",
    )
    made.append(joint)
    # Escalated and forwarded 17 days ago: the explanation is owed.
    forwarded = _workday_before(today - timedelta(days=16), 1)
    escalated = register("escalated", "GJ019", _workday_before(forwarded, 2), 10, applicant=_employer())
    services.case_escalate(
        actor=t1,
        case=escalated,
        authority="住房公积金管理委员会",
        note="邯公积金〔示例〕12号",
        now=_at(forwarded, 15),
    )
    made.append(escalated)
    # An extension waiting for the head's opinion.
    extended = register("extension", "DK020", days[4], 11, applicant=_person(5))
    if extended.deadline and extended.deadline >= today:
        new = extended.deadline
        for _ in range(3):
            new = calendar_index().add_workdays(new, 1)
        services.case_extension_request(
            actor=t1,
            case=extended,
            reason="共同借款人变更需不动产登记机构出具抵押变更证明，对方尚未答复，不能按期办结。",
            requested_deadline=new,
            explained_to_applicant=True,
            explained_note="已电话告知申请人，申请人表示理解",
            now=_at(today, 9),
        )
    made.append(extended)
    # Completed, waiting for delivery.
    done = register("completed", "DK015", days[5], 9, applicant=_person(1))
    services.case_complete(
        actor=t1,
        case=done,
        outcome="approved",
        result="准予贷款。贷款金额人民币300,000.00元，期限15年。",
        transaction_no="DK2026DEMO0187",
        notify_method="phone",
        notify_note="电话通知申请人领取",
        now=_at(days[1], 16),
    )
    made.append(done)
    # Delivered on the spot today (an immediate withdrawal).
    quick = register("delivered", "TQ001", days[0], 10, applicant=_person(2))
    services.case_complete(
        actor=t1,
        case=quick,
        outcome="approved",
        result="准予提取，提取金额转入申请人本人银行账户",
        transaction_no="TQ2026DEMO0017",
        deliver_now=True,
        now=_at(days[0], 10, 20),
    )
    made.append(quick)
    # A refusal to accept, under review (武安).
    refused = register(
        "rejected",
        "DK015",
        days[3],
        15,
        actor=t3,
        applicant=_person(4),
        rejection=services.Rejection(
            ground="conditions_not_met",
            reason="经查询，申请人及配偶在本市名下已有两套住房，不符合《住房公积金管理条例》第二十六条及"
            "本中心个人住房贷款管理办法规定的建造、翻建、大修自住住房贷款条件。",
            returned_materials="建房用地批准文件（复印件）",
        ),
    )
    services.case_review_request(
        case=refused,
        reason="其中一套住房已于去年出售，只是尚未办理过户，请核实后受理。",
        now=_at(days[2], 20),
    )
    made.append(refused)
    return made
