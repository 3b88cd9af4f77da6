"""Cases (办件) of the simulated visits, through the cases services (002 篇5, 000 §五(二)):
registered at the window from the ticket being served, of every handling type — 即办件
finished and handed over at the counter, 承诺件 decided on a later working day and picked
up or posted, 联办件 handed to another department that gives its opinion, 上报件 forwarded
to the 管委会 whose reply comes days later (with the written explanation when it is late)
— with materials missing (补办件, completed on a later day), refusals (退回件), extensions
(the head's opinion and the leader's approval) and some finished after the deadline so
that the overdue sweep records them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from cases import services as cases
from cases.models import Case, CaseStatus, DeliveryMethod, Handover, HandoverStatus, NotifyMethod, Outcome
from catalog.models import Matter, MatterStatus
from catalog.selectors import version_in_force
from org.models import Department, Role, Staff
from reports.simulate import profile
from reports.simulate.people import employer
from workdays.calendar import workdays_between

if TYPE_CHECKING:
    from reports.simulate.engine import Desk, Simulation

KEY_NAMESPACE = uuid.UUID("0b7c6f3e-9d2a-4c55-8f0e-2d1f6a9c4e21")
REJECTIONS = {
    "collection": (
        "经核查，该单位已于本年度办理过缴存基数调整，不符合再次调整的条件。",
        "《住房公积金管理条例》第十六条；本中心住房公积金缴存管理办法",
    ),
    "withdrawal": (
        "经查询，申请人本年度已办理过同一事由的提取，不符合再次提取的条件。",
        "《住房公积金管理条例》第二十四条；本中心住房公积金提取管理办法",
    ),
    "loan": (
        "经查询，申请人及配偶尚有未结清的住房公积金贷款，不符合再次申请贷款的条件。",
        "《住房公积金管理条例》第二十六条；本中心个人住房贷款管理办法",
    ),
    "other": (
        "申请查阅的档案不属于申请人本人的业务档案。",
        "本中心业务档案管理办法",
    ),
}
RESULTS = {
    "collection": "准予办理，已在核心业务系统完成变更登记",
    "withdrawal": "准予提取，提取金额转入申请人本人银行账户",
    "loan": "准予办理，已完成贷款合同变更并出具相关证明",
    "other": "准予办理，已按申请办结",
}
REFUSALS = "经审核，申请人提供的购房合同未在住建部门备案，不符合本事项的办理条件。"
EXTENSION_REASONS = (
    "需不动产登记机构出具抵押变更证明，对方尚未答复，不能按期办结。",
    "需向原缴存地中心核实缴存记录，对方尚未回函，不能按期办结。",
    "申请人补充的收入证明需单位重新盖章，核实需要时间，不能按期办结。",
)
HANDOVER_TARGETS = {"loan": ("GJ", "TQ"), "collection": ("TQ", "GJ"), "other": ("GJ",), "withdrawal": ("GJ",)}


@dataclass(frozen=True)
class MatterChoice:
    matter: Matter
    handling_type: str
    materials: tuple[tuple[str, str], ...]  # (code, requirement) in order
    category: str


class Casework:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.matters: dict[tuple[str, str], list[MatterChoice]] = {}
        for matter in Matter.objects.filter(status=MatterStatus.ACTIVE).order_by("code"):
            version = version_in_force(matter, sim.start)
            if version is None:
                continue
            materials = tuple(version.materials.order_by("order").values_list("code", "requirement"))
            if not any(req == "required" for _, req in materials):
                continue  # a consultation or an internal stage: no application at the window
            choice = MatterChoice(matter, version.handling_type, materials, matter.category)
            self.matters.setdefault((matter.category, version.handling_type), []).append(choice)
        self.heads: dict[int, Any] = {}
        heads = Staff.objects.filter(is_active=True, branch__isnull=False, user__groups__name=Role.HEAD.label)
        for staff in heads.select_related("user").order_by("staff_no"):
            assert staff.branch_id is not None
            self.heads.setdefault(staff.branch_id, staff.user)
        self.departments: dict[str, tuple[Department, Any]] = {}
        for department in Department.objects.order_by("code"):
            answerer = (
                Staff.objects.filter(department=department, is_active=True)
                .filter(user__groups__name__in=[Role.TELLER.label, Role.HEAD.label])
                .select_related("user")
                .order_by("staff_no")
                .first()
            )
            if answerer is not None:
                self.departments[department.code] = (department, answerer.user)
        self._keys = 0

    # ---------------------------------------------------------------------------------

    def _choose(self, category: str) -> MatterChoice | None:
        rng = self.sim.rng
        shares = profile.HANDLING_TYPE_SHARES.get(category, {"immediate": 1.0})
        shares = {k: v for k, v in shares.items() if self.matters.get((category, k))}
        if not shares:
            return None
        kind = profile.weighted(rng, shares)
        return rng.choice(self.matters[(category, kind)])

    def during_service(self, desk: Desk, *, start: float, duration: float) -> None:
        """Decide whether this visit is an application (办件) and plan it in the service."""
        sim = self.sim
        if sim.rng.random() >= profile.CASE_SHARE or desk.ticket is None:
            return
        choice = self._choose(desk.ticket.category)
        if choice is None:
            return
        sim.schedule(start + duration * 0.6, lambda: self._register(desk, choice, start + duration))

    def _register(self, desk: Desk, choice: MatterChoice, ends: float) -> None:
        sim, rng = self.sim, self.sim.rng
        ticket, who = desk.ticket, desk.visitor
        if ticket is None or who is None:
            return
        required = [code for code, req in choice.materials if req == "required"]
        marks: dict[str, cases.MaterialMark] = {}
        draw = rng.random()
        rejection = None
        missing: list[str] = []
        if draw < profile.REJECT_SHARE:
            reason, basis = REJECTIONS[choice.category]
            rejection = cases.Rejection(
                ground="conditions_not_met",
                reason=f"{reason.rstrip('。')}（{basis}）。",
                returned_materials="申请材料原件",
            )
        elif draw < profile.REJECT_SHARE + profile.SUPPLEMENT_SHARE and len(required) >= 2:
            missing = [rng.choice(required)]
        for code, req in choice.materials:
            if code in missing:
                marks[code] = cases.MaterialMark("missing", "复印件不清晰，请重新复印并签字确认")
            elif req == "required":
                marks[code] = cases.MaterialMark("received")
            else:
                marks[code] = cases.MaterialMark("not_applicable")
        if choice.matter.service_object == "employer":
            company = employer(rng, on=sim.day)
            applicant = cases.ApplicantData(
                name=company.name,
                credit_code=company.credit_code,
                agent_name=who.name,
                agent_id_number=who.id_number,
                phone=who.mobile,
            )
        else:
            applicant = cases.ApplicantData(name=who.name, id_number=who.id_number, phone=who.mobile)
        self._keys += 1
        key = uuid.uuid5(KEY_NAMESPACE, f"{sim.day.isoformat()}:{desk.window.pk}:{ticket.pk}:{self._keys}")
        mail = choice.handling_type != "immediate" and rng.random() < profile.DELIVERY_BY_MAIL_SHARE
        registration = sim.attempt(
            "受理",
            lambda: cases.case_register(
                actor=desk.user,
                matter=choice.matter,
                applicant=applicant,
                marks=marks,
                idempotency_key=key,
                ticket=ticket,
                rejection=rejection,
                delivery_method=DeliveryMethod.MAIL if mail else DeliveryMethod.PICKUP,
                delivery_address="邯郸市丛台区联纺路（示例地址）" if mail else "",
                now=sim.moment(),
            ),
        )
        if registration is None:
            return
        case = registration.case
        sim.stats.add("cases")
        sim.stats.add(f"cases_{case.handling_type}")
        if case.status == CaseStatus.REJECTED:
            sim.stats.add("rejections")
            return
        if case.status == CaseStatus.SUPPLEMENT:
            sim.stats.add("supplements")
            back = sim.workday_after(sim.day, rng.randint(1, 5))
            if back is not None and rng.random() < 0.85:
                sim.later(
                    back, rng.uniform(9 * 60, 16 * 60), lambda: self._supplement(case, desk.user, missing)
                )
            return
        self._after_acceptance(case, desk.user, ends=ends, at_counter=True)

    def _supplement(self, case: Case, user: Any, missing: list[str]) -> None:
        sim = self.sim
        done = sim.attempt(
            "补正",
            lambda: cases.case_supplement_receive(
                actor=user, case=case, material_codes=missing, note="申请人补齐材料", now=sim.moment()
            ),
        )
        if done is not None:
            self._after_acceptance(done, user, ends=sim.now_minutes + 5, at_counter=True)

    def _after_acceptance(self, case: Case, user: Any, *, ends: float, at_counter: bool) -> None:
        """Plan the rest of an accepted case by its handling type."""
        sim, rng = self.sim, self.sim.rng
        if case.handling_type == "immediate":
            # 即办件: decided and handed over while the applicant is at the window.
            sim.schedule(
                max(ends - 0.3, sim.now_minutes), lambda: self._complete(case, user, deliver_now=True)
            )
            return
        if case.deadline is None:
            return  # waits for next year's calendar; the sweep computes it once published
        if case.handling_type == "escalated":
            forward = sim.workday_after(sim.day, rng.randint(0, 1)) or sim.day
            sim.later(forward, rng.uniform(14 * 60, 17 * 60), lambda: self._escalate(case, user))
            return
        if case.handling_type == "joint":
            sim.schedule(ends + rng.uniform(20, 120), lambda: self._hand_over(case, user))
        self._plan_decision(case, user, joint=case.handling_type == "joint")

    def _plan_decision(self, case: Case, user: Any, *, joint: bool) -> None:
        sim, rng = self.sim, self.sim.rng
        deadline = case.deadline
        assert deadline is not None
        extend = rng.random() < profile.EXTENSION_SHARE
        late = not extend and rng.random() < profile.OVERDUE_SHARE
        if extend:
            ask = deadline if deadline > sim.day else sim.day
            sim.later(ask, rng.uniform(9 * 60, 11 * 60), lambda: self._extend(case, user))
            return
        days_to_deadline = max(workdays_between(sim.day, deadline), 0)
        if late:
            day = sim.workday_after(deadline, rng.randint(1, 3))
        else:
            low = 1 if joint else 0
            day = sim.workday_after(
                sim.day, rng.randint(min(low, days_to_deadline), max(days_to_deadline, low))
            )
            if day is not None and day > deadline:
                day = deadline
        if day is not None:
            sim.later(
                day, rng.uniform(14 * 60, 17 * 60), lambda: self._complete(case, user, deliver_now=False)
            )

    def _hand_over(self, case: Case, user: Any) -> None:
        sim, rng = self.sim, self.sim.rng
        targets = [
            self.departments[c]
            for c in HANDOVER_TARGETS.get(case.matter.category, ("GJ",))
            if c in self.departments and self.departments[c][0].pk != case.department_id
        ]
        if not targets:
            return
        department, answerer = targets[0]
        rows = sim.attempt(
            "联办交接",
            lambda: cases.case_handover_register(
                actor=user,
                case=case,
                departments=[department],
                limit_days=1,
                note="请核对申请人缴存及贷款记录",
                now=sim.moment(),
            ),
        )
        if rows:
            sim.stats.add("handovers")
            answer_on = sim.workday_after(sim.day, 1) or sim.day
            for row in rows:
                sim.later(answer_on, rng.uniform(9 * 60, 11 * 60), partial(self._answer, row, answerer))

    def _answer(self, handover: Handover, user: Any) -> None:
        sim = self.sim
        if handover.status != HandoverStatus.OPEN:
            return
        sim.attempt(
            "联办反馈",
            lambda: cases.case_handover_answer(
                actor=user,
                handover=handover,
                opinion="经核对，申请人缴存记录连续正常，同意办理。",
                now=sim.moment(),
            ),
        )

    def _escalate(self, case: Case, user: Any) -> None:
        sim, rng = self.sim, self.sim.rng
        escalation = sim.attempt(
            "转报",
            lambda: cases.case_escalate(
                actor=user,
                case=case,
                authority="住房公积金管理委员会",
                note="已审核，报请审批",
                now=sim.moment(),
            ),
        )
        if escalation is None:
            return
        sim.stats.add("escalations")
        reply_on = sim.day + timedelta(days=rng.randint(*profile.ESCALATION_REPLY_DAYS))
        explain_on = sim.workday_after(escalation.explain_after, 1)
        if explain_on is not None and reply_on > escalation.explain_after:
            sim.later(explain_on, 9 * 60 + 30, lambda: self._explain(case, user))
            reply_on = max(reply_on, explain_on + timedelta(days=1))
        reply_day = sim.workday_after(reply_on - timedelta(days=1), 1)
        if reply_day is not None:
            sim.later(reply_day, rng.uniform(9 * 60, 16 * 60), lambda: self._reply(case, user))

    def _explain(self, case: Case, user: Any) -> None:
        sim = self.sim
        if sim.attempt(
            "书面解释",
            lambda: cases.case_escalation_explain(
                actor=user,
                case=case,
                explanation="管委会尚未召开审批会议，已电话联系管委会办公室，预计下次会议审批，批复后即通知申请单位。",
                now=sim.moment(),
            ),
        ):
            sim.stats.add("escalation_explanations")

    def _reply(self, case: Case, user: Any) -> None:
        sim = self.sim
        if sim.attempt(
            "上级批复",
            lambda: cases.case_escalation_reply(
                actor=user, case=case, reply="邯公积金管委〔示例〕批复：同意。", now=sim.moment()
            ),
        ):
            sim.schedule(sim.now_minutes + 60, lambda: self._complete(case, user, deliver_now=False))

    def _extend(self, case: Case, user: Any) -> None:
        sim, rng = self.sim, self.sim.rng
        case.refresh_from_db()
        if case.deadline is None or case.status not in (CaseStatus.ACCEPTED, CaseStatus.JOINT):
            return
        requested = sim.workday_after(case.deadline, rng.randint(3, 5))
        if requested is None:
            return
        extension = sim.attempt(
            "延期申请",
            lambda: cases.case_extension_request(
                actor=user,
                case=case,
                reason=rng.choice(EXTENSION_REASONS),
                requested_deadline=requested,
                explained_to_applicant=True,
                explained_note="已电话向申请人解释说明，申请人表示理解",
                now=sim.moment(),
            ),
        )
        if extension is None:
            return
        sim.stats.add("extensions")
        head = self.heads.get(case.branch_id)
        leader = sim.users["leader1"]
        if head is None:
            return

        def opinion() -> None:
            agreed = sim.attempt(
                "延期意见",
                lambda: cases.case_extension_head_opinion(
                    actor=head,
                    extension=extension,
                    agree=True,
                    opinion="情况属实，同意延期",
                    now=sim.moment(),
                ),
            )
            if agreed is not None:
                sim.schedule(sim.now_minutes + rng.uniform(30, 120), decide)

        def decide() -> None:
            approved = sim.attempt(
                "延期审批",
                lambda: cases.case_extension_leader_decision(
                    actor=leader, extension=extension, approve=True, opinion="同意", now=sim.moment()
                ),
            )
            if approved is not None:
                day = sim.workday_after(sim.day, rng.randint(1, 3))
                if day is not None and day <= requested:
                    sim.later(
                        day,
                        rng.uniform(14 * 60, 17 * 60),
                        lambda: self._complete(case, user, deliver_now=False),
                    )

        sim.schedule(sim.now_minutes + rng.uniform(60, 240), opinion)

    def _complete(self, case: Case, user: Any, *, deliver_now: bool) -> None:
        sim, rng = self.sim, self.sim.rng
        case.refresh_from_db()
        if case.status != CaseStatus.ACCEPTED:
            return
        refused = case.handling_type != "escalated" and rng.random() < profile.CASE_REFUSED_SHARE
        category = case.matter.category
        done = sim.attempt(
            "办结",
            lambda: cases.case_complete(
                actor=user,
                case=case,
                outcome=Outcome.REFUSED if refused else Outcome.APPROVED,
                result="不予批准" if refused else RESULTS.get(category, RESULTS["other"]),
                refusal_reason=REFUSALS if refused else "",
                transaction_no=f"{category[:2].upper()}{sim.day:%Y%m%d}{case.pk:06d}",
                notify_method="" if deliver_now else NotifyMethod.SMS,
                deliver_now=deliver_now,
                now=sim.moment(),
            ),
        )
        if done is None:
            return
        sim.stats.add("completed")
        if done.deadline is not None and sim.day > done.deadline:
            sim.stats.add("completed_late")
        if deliver_now:
            sim.stats.add("delivered")
            return
        pick_up = sim.workday_after(sim.day, rng.randint(1, 3))
        if pick_up is not None:
            sim.later(pick_up, rng.uniform(9 * 60, 17 * 60), lambda: self._deliver(done, user))

    def _deliver(self, case: Case, user: Any) -> None:
        sim = self.sim
        mail = case.delivery_method == DeliveryMethod.MAIL
        if sim.attempt(
            "送达",
            lambda: cases.case_deliver(
                actor=user,
                case=case,
                method=case.delivery_method,
                note=f"EMS 11{case.pk:09d}" if mail else "申请人凭受理通知单领取",
                now=sim.moment(),
            ),
        ):
            sim.stats.add("delivered")
