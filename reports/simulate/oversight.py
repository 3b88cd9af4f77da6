"""What the back office does with the simulated visits, through the services:

* 好差评 at the counter evaluator (004 §五), the follow-up of each 差评 (contact, verify,
  rectify or find unfounded, ask the citizen again), a few left undone so that the
  office's worklist shows overdue ones;
* 12329 hotline callbacks of withdrawal and loan visits and cases (004 §五 一), worked the
  next working day: answered, not reached and retried, given up as unreachable;
* complaints (000 §五(四)) from several channels, through their steps — accepted,
  classified (general, invalid), determined, handled by the department, reported,
  answered (a few after the limit), followed up and archived, or settled on the spot;
  the latest are still open at the end of the period, some near their limit;
* window inspections (000 §五(五)4) and the hall patrols (002 篇4 二) with a few findings;
* each evening the scheduled sweeps: queue day end, cases, complaints and ratings.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from cases import services as cases
from complaints import services as complaints
from complaints.models import Channel, Complaint, ContactPreference
from complaints.models import Status as ComplaintStatus
from queueing.models import Ticket
from ratings import services as ratings
from ratings.models import CallbackStatus, HotlineCallback, Rating, RatingChannel, RatingToken
from reports.simulate import profile
from reports.simulate.people import person
from supervision import services as supervision
from supervision.models import ChecklistItem, Patrol

if TYPE_CHECKING:
    from reports.simulate.engine import Desk, Simulation

BAD_COMMENTS = {
    "efficiency": "等了很久才办完，窗口只开了几个",
    "attitude": "工作人员说话不耐烦",
    "ran_back": "材料清单没说清楚，跑了两趟",
    "other": "大厅空调太冷，等候区座位不够",
}
COMPLAINT_STORIES = [
    ("service_rules", "未一次性告知所需材料", "办理业务时窗口工作人员没有一次告知需要的材料，跑了两趟。"),
    ("time_limit", "承诺时限内未办结", "承诺的办结期限已过，至今没有收到办理结果。"),
    ("irregular", "窗口人员态度生硬", "询问办理进度时工作人员语气生硬、不耐烦。"),
    ("service_rules", "窗口推诿", "被告知找其他窗口，来回推诿。"),
]
INVALID_STORY = ("反映房价过高", "认为本地商品房价格过高，要求公积金中心干预。")
FINDINGS = [
    ("S04", "未佩戴工作牌"),
    ("E01", ""),
    ("D04", "柜台内吃零食"),
    ("E06", "宣传折页有过期版本"),
    ("D05", "用手机看视频"),
    ("B02", "未出具补办清单"),
    ("P05", "老年人未引导至绿色通道"),
]
PATROL_VIOLATIONS = [("2.2", "未挂胸牌"), ("1", "迟到10分钟"), ("8", "上班时间玩手机")]


class Oversight:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.office = sim.users["office1"]
        self.leader = sim.users["leader1"]
        self.inspector = sim.users["inspector1"]
        self.patrol_leader = sim.users["head1"]
        self.tickets_today = 0
        codes = [code for code, _ in FINDINGS]
        self.checklist = {
            item.code: tuple(item.kinds)
            for item in ChecklistItem.objects.filter(code__in=codes, is_active=True)
        }

    # ---------------------------------------------------------------------------------
    # 好差评

    def rate_at_counter(self, desk: Desk, ticket: Ticket) -> None:
        sim, rng = self.sim, self.sim.rng
        self.tickets_today += 1
        if rng.random() >= profile.RATING_SHARE:
            return
        level = profile.rating_level(rng)
        extra: dict[str, Any] = {}
        if level <= 2:
            reason = profile.weighted(rng, profile.RATING_BAD_REASONS)
            who = desk.visitor or person(rng, on=sim.day)
            extra = {"reasons": [reason], "comment": BAD_COMMENTS[reason], "contact_phone": who.mobile}
        token = RatingToken.objects.filter(ticket=ticket, channel=RatingChannel.COUNTER).values_list(
            "token", flat=True
        )
        value = token.first()
        if value is None:
            return
        rating = sim.attempt(
            "评价",
            lambda: ratings.rating_submit(
                actor=f"evaluator:{desk.branch.code}-{desk.window.number}", token=value, level=level, **extra
            ),
        )
        if rating is None:
            return
        sim.stats.add("ratings")
        if rating.is_bad:
            sim.stats.add("bad_ratings")
            if rng.random() >= profile.FOLLOW_UP_LEFT_OPEN_SHARE:
                contact = sim.workday_after(sim.day, 1)
                if contact is not None:
                    sim.later(contact, rng.uniform(9 * 60, 11 * 60), lambda: self._follow_up(rating))

    def _follow_up(self, rating: Rating) -> None:
        sim, rng = self.sim, self.sim.rng
        follow_up = rating.follow_up
        office = self.office
        if (
            sim.attempt(
                "差评回访",
                lambda: ratings.follow_up_contact(
                    actor=office, follow_up=follow_up, method="phone", note="已电话联系评价人，了解具体情况"
                ),
            )
            is None
        ):
            return
        sim.stats.add("follow_ups")
        verify = sim.workday_after(sim.day, rng.randint(1, 2))
        if verify is None:
            return
        unfounded = rng.random() < profile.BAD_RATING_UNFOUNDED_SHARE

        def check() -> None:
            if unfounded:
                sim.attempt(
                    "差评核实",
                    lambda: ratings.follow_up_close_unfounded(
                        actor=office,
                        follow_up=follow_up,
                        finding="调阅监控与业务系统记录，办理规范、用时正常，评价人表示理解",
                    ),
                )
                return
            done = sim.attempt(
                "差评整改",
                lambda: ratings.follow_up_rectify(
                    actor=office,
                    follow_up=follow_up,
                    verdict=rng.choice(["substantiated", "partly"]),
                    finding="经核实，" + (rating.comment or "情况属实"),
                    rectification="约谈当事工作人员，组织窗口服务规范再学习；高峰时段增开窗口",
                    public_summary="已约谈当事工作人员并组织服务规范再学习，高峰时段增开窗口、加强引导",
                ),
            )
            if done is not None:
                again = sim.workday_after(sim.day, 1)
                if again is not None:
                    sim.later(
                        again,
                        rng.uniform(14 * 60, 16 * 60),
                        lambda: sim.attempt(
                            "整改回访",
                            lambda: ratings.follow_up_close(
                                actor=office,
                                follow_up=follow_up,
                                satisfaction=rng.choice(["satisfied", "satisfied", "basic"]),
                                note="评价人认可整改",
                            ),
                        ),
                    )

        sim.later(verify, rng.uniform(14 * 60, 16 * 60), check)

    # ---------------------------------------------------------------------------------
    # 12329 callbacks

    def _plan_callbacks(self, day: date) -> None:
        """The callbacks created today are called the next working day."""
        sim = self.sim
        call_on = sim.workday_after(day, 1)
        if call_on is None or call_on > sim.end:
            return
        pending = list(
            HotlineCallback.objects.filter(status=CallbackStatus.PENDING, service_on=day)
            .select_related("ticket", "case")
            .order_by("pk")
        )
        minute = 9 * 60.0
        for callback in pending:
            minute += sim.rng.uniform(1.5, 4.0)
            sim.later(call_on, min(minute, 17 * 60 + 20), partial(self._call_back, callback))

    def _call_back(self, callback: HotlineCallback) -> None:
        sim, rng = self.sim, self.sim.rng
        office = self.office
        if not callback.phone:
            phone = ""
            if callback.case is not None:
                phone = callback.case.applicant_phone
            elif callback.ticket_id in sim.visitors:
                phone = sim.visitors[callback.ticket_id].mobile
            if not phone:
                phone = person(rng, on=sim.day).mobile
            if (
                sim.attempt(
                    "回访电话",
                    lambda: ratings.callback_phone_set(actor=office, callback=callback, phone=phone),
                )
                is None
            ):
                return
        if rng.random() < profile.CALLBACK_NOT_REACHED_SHARE:
            sim.attempt(
                "回访",
                lambda: ratings.callback_attempt(
                    actor=office, callback=callback, outcome="not_reached", note="无人接听"
                ),
            )
            if rng.random() < 0.5:
                sim.attempt(
                    "回访",
                    lambda: ratings.callback_close_unreachable(
                        actor=office, callback=callback, note="多次未接通"
                    ),
                )
                sim.stats.add("callbacks_unreachable")
            return
        unhappy = rng.random() < profile.CALLBACK_DISSATISFIED_SHARE
        done = sim.attempt(
            "回访",
            lambda: ratings.callback_record(
                actor=office,
                callback=callback,
                attitude=rng.choice(["very_satisfied", "very_satisfied", "satisfied"]),
                efficiency="dissatisfied" if unhappy else rng.choice(["very_satisfied", "satisfied"]),
                ran_back=False,
                favours=False,
                dissatisfied_reason="办理时间比承诺的长" if unhappy else "",
                comments="希望增加网上办理的事项" if rng.random() < 0.1 else "",
            ),
        )
        if done is not None:
            sim.stats.add("callbacks")

    # ---------------------------------------------------------------------------------
    # Complaints

    def _complaints(self, day: date) -> None:
        sim, rng = self.sim, self.sim.rng
        for hall in sim.halls:
            # The office's work does not thin out with a reduced --volume: complaints come
            # at the rate of the full hall (a handful a month across the centre).
            full = hall.mean_per_day * max(1.0, 1.0 / sim.volume)
            mean = full * profile.COMPLAINTS_PER_THOUSAND_TICKETS / 1000
            for _ in range(profile.poisson(rng, mean)):
                channel = profile.weighted(rng, profile.COMPLAINT_CHANNEL_WEIGHTS)
                desk = rng.choice(hall.desks)
                when = rng.uniform(9 * 60, 16 * 60 + 30)
                sim.schedule(when, partial(self._complain, hall, channel, desk))

    def _complain(self, hall: Any, channel: str, desk: Desk) -> None:
        sim, rng = self.sim, self.sim.rng
        office = self.office
        who = person(rng, on=sim.day)
        invalid = rng.random() < profile.COMPLAINT_INVALID_SHARE
        if invalid:
            subject, content = INVALID_STORY
            scope: list[str] = []
        else:
            scope_code, subject, content = rng.choice(COMPLAINT_STORIES)
            scope = [scope_code]
        fields: dict[str, Any] = {
            "channel": channel,
            "complainant_name": who.name,
            "subject": subject,
            "content": content,
            "branch": hall.branch,
            "scope_codes": scope,
        }
        if channel == Channel.LETTER:
            fields.update(
                complainant_address="邯郸市丛台区（示例地址）", contact_preference=ContactPreference.LETTER
            )
        elif channel == Channel.EMAIL:
            fields.update(complainant_email="citizen@example.com", contact_preference=ContactPreference.EMAIL)
        else:
            fields.update(complainant_phone=who.mobile, contact_preference=ContactPreference.PHONE)
        if not invalid:
            fields.update(staff=desk.staff, window=desk.window)
        registered = sim.attempt(
            "投诉登记",
            lambda: complaints.complaint_register(
                actor=office, received_at=sim.moment(), now=sim.moment(), **fields
            ),
        )
        if registered is None:
            return
        complaint: Complaint = registered[0]
        sim.stats.add("complaints")
        sim.stats.add(f"complaints_{channel}")
        if (
            channel == Channel.VISIT
            and not invalid
            and rng.random() < profile.COMPLAINT_ON_THE_SPOT_SHARE * 4
        ):
            sim.schedule(sim.now_minutes + 30, lambda: self._settle(complaint, desk))
            return
        sim.schedule(sim.now_minutes + rng.uniform(20, 90), lambda: self._accept(complaint, desk, invalid))

    def _settle(self, complaint: Complaint, desk: Desk) -> None:
        sim = self.sim
        staff = desk.staff
        if sim.attempt(
            "当场处理",
            lambda: complaints.complaint_settle_on_the_spot(
                actor=self.office,
                complaint=complaint,
                answer="大厅负责人当场致歉并为其办结业务。",
                responsible_department=staff.department,
                responsible_staff=[staff],
                now=sim.moment(),
            ),
        ):
            sim.stats.add("complaints_settled_on_the_spot")
            self._later_step(1, lambda: self._follow(complaint, close=True))

    def _later_step(self, workdays: int, action: Any, *, morning: bool = False) -> None:
        sim = self.sim
        day = sim.workday_after(sim.day, workdays)
        if day is not None:
            low, high = (9 * 60, 11 * 60 + 30) if morning else (10 * 60, 16 * 60 + 30)
            sim.later(day, sim.rng.uniform(low, high), action)

    def _accept(self, complaint: Complaint, desk: Desk, invalid: bool) -> None:
        sim = self.sim
        office = self.office
        if (
            sim.attempt(
                "投诉受理",
                lambda: complaints.complaint_accept(
                    actor=office,
                    complaint=complaint,
                    owner=office.staff,
                    initial_findings="已联系投诉人核实情况，调取了窗口录像。",
                    limit_told_via="电话",
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        if invalid:
            self._later_step(1, lambda: self._invalid(complaint))
            return
        self._later_step(1, lambda: self._classify(complaint, desk), morning=True)

    def _invalid(self, complaint: Complaint) -> None:
        sim = self.sim
        office = self.office
        done = sim.attempt(
            "投诉定性",
            lambda: complaints.complaint_classify(
                actor=office,
                complaint=complaint,
                class_code="invalid",
                criteria=["超出职责和业务范畴的投诉"],
                reason="超出中心职责和业务范畴。",
                now=sim.moment(),
            ),
        )
        if done is None:
            return
        sim.stats.add("complaints_invalid")
        sim.schedule(
            sim.now_minutes + 60,
            lambda: sim.attempt(
                "投诉答复",
                lambda: complaints.complaint_reply(
                    actor=office,
                    complaint=complaint,
                    channel="电话",
                    text="您反映的问题不属于本中心职责。",
                    now=sim.moment(),
                ),
            ),
        )
        self._later_step(3, lambda: self._follow(complaint, close=False))

    def _classify(self, complaint: Complaint, desk: Desk) -> None:
        sim, rng = self.sim, self.sim.rng
        office = self.office
        staff = desk.staff
        department = staff.department
        if department is None:
            return
        if (
            sim.attempt(
                "投诉定性",
                lambda: complaints.complaint_classify(
                    actor=office, complaint=complaint, class_code="general", now=sim.moment()
                ),
            )
            is None
        ):
            return
        if (
            sim.attempt(
                "责任认定",
                lambda: complaints.complaint_determine(
                    actor=office,
                    complaint=complaint,
                    department=department,
                    staff=[staff],
                    analysis="经调查核实，责任在窗口经办人员。",
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        late = rng.random() < profile.COMPLAINT_LATE_SHARE
        self._later_step(
            rng.randint(5, 7) if late else rng.randint(1, 2), lambda: self._handle(complaint, staff)
        )

    def _handle(self, complaint: Complaint, staff: Any) -> None:
        sim = self.sim
        head = self.sim.casework.heads.get(staff.branch_id)
        if head is None:
            return
        if (
            sim.attempt(
                "投诉办理",
                lambda: complaints.complaint_record_handling(
                    actor=head,
                    complaint=complaint,
                    facts="经调取录像并询问当事人，情况属实。",
                    causes="经办人员未按规定履行告知义务。",
                    people="窗口经办人员",
                    measures="对当事人进行批评教育，部门内部通报，组织学习服务规范。",
                    answer="已电话向投诉人说明情况并致歉。",
                    prevention="每周业务例会复盘。",
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        sim.schedule(sim.now_minutes + 90, lambda: self._report(complaint, head))

    def _report(self, complaint: Complaint, head: Any) -> None:
        sim = self.sim
        office = self.office
        if (
            sim.attempt(
                "办理报告",
                lambda: complaints.complaint_submit_report(
                    actor=head,
                    complaint=complaint,
                    investigation="经调取录像并询问当事人，情况属实。",
                    causes="经办人员未按要求一次性告知。",
                    measures="批评教育，部门通报，组织学习。",
                    communication="已电话向投诉人说明并致歉。",
                    prevention="每周复盘告知清单。",
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        if (
            sim.attempt(
                "报告审核",
                lambda: complaints.complaint_review_report(
                    actor=office,
                    complaint=complaint,
                    approve=True,
                    reported_in_person=False,
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        self._later_step(
            1,
            lambda: sim.attempt(
                "投诉答复",
                lambda: complaints.complaint_reply(
                    actor=office,
                    complaint=complaint,
                    channel="电话",
                    text="您反映的问题经核实属实，已对相关人员批评教育并整改，感谢您的监督。",
                    now=sim.moment(),
                ),
            ),
            morning=True,
        )
        self._later_step(3, lambda: self._follow(complaint, close=True))

    def _follow(self, complaint: Complaint, *, close: bool) -> None:
        sim, rng = self.sim, self.sim.rng
        office = self.office
        complaint.refresh_from_db()
        if complaint.status != ComplaintStatus.FOLLOW_UP:
            return
        satisfaction = rng.choice(["satisfied", "satisfied", "basic"]) if close else "unreachable"
        if (
            sim.attempt(
                "投诉回访",
                lambda: complaints.complaint_follow_up(
                    actor=office,
                    complaint=complaint,
                    method="电话",
                    satisfaction=satisfaction,
                    now=sim.moment(),
                ),
            )
            is None
        ):
            return
        self._later_step(
            2,
            lambda: sim.attempt(
                "投诉归档",
                lambda: complaints.complaint_archive(actor=office, complaint=complaint, now=sim.moment()),
            ),
        )

    # ---------------------------------------------------------------------------------
    # Inspections and patrols

    def _inspections(self, day: date) -> None:
        sim, rng = self.sim, self.sim.rng
        for _ in range(profile.poisson(rng, profile.INSPECTIONS_PER_WORKDAY)):
            hall = sim.halls[0] if rng.random() < 0.7 else rng.choice(sim.halls)
            sim.schedule(rng.uniform(9 * 60 + 30, 16 * 60), partial(self._inspect_hall, hall))
        main = sim.halls[0]
        for round_code, minutes in (("morning", 9 * 60 + 40), ("afternoon", 15 * 60 + 10)):
            sim.schedule(minutes + rng.uniform(0, 20), partial(self._patrol, main, round_code))

    def _inspect_hall(self, hall: Any) -> None:
        """The inspector walks up to one of the windows open at that moment."""
        open_desks = [d for d in hall.desks if d.signed_in]
        if open_desks:
            self._inspect(self.sim.rng.choice(open_desks))

    def _inspect(self, desk: Desk) -> None:
        sim, rng = self.sim, self.sim.rng
        surprise = rng.random() < profile.SURPRISE_INSPECTION_SHARE
        kind = "surprise" if surprise else "daily"
        findings = []
        applicable = [(code, note) for code, note in FINDINGS if kind in self.checklist.get(code, ())]
        if applicable and rng.random() < profile.INSPECTION_FINDING_SHARE:
            code, note = rng.choice(applicable)
            findings.append(supervision.FindingInput(code, note))
        inspection = sim.attempt(
            "检查",
            lambda: supervision.inspection_record(
                actor=self.inspector,
                kind=kind,
                window=desk.window,
                staff=desk.staff,
                findings=findings,
                note="突击检查" if surprise else "例行检查",
                pointed_out=bool(findings),
                pointed_out_note="已当场向本人指出" if findings else "",
                inspected_at=sim.moment(),
            ),
        )
        if inspection is None:
            return
        sim.stats.add("inspections")
        if findings:
            sim.stats.add("inspection_findings")
            if surprise:
                sim.schedule(
                    sim.now_minutes + 120,
                    lambda: sim.attempt(
                        "通报",
                        lambda: supervision.inspection_publish(
                            actor=self.office,
                            inspection=inspection,
                            text=f"{sim.day:%m月%d日}突击检查发现{desk.window.number}号窗口{desk.staff.name}"
                            f"存在问题，予以通报批评。",
                        ),
                    ),
                )

    def _patrol(self, hall: Any, round_code: str) -> None:
        sim, rng = self.sim, self.sim.rng
        if Patrol.objects.filter(branch=hall.branch, day=sim.day, round=round_code).exists():
            return  # already recorded (the demo data's own patrols)
        violations = []
        present = [d for d in hall.desks if d.signed_in]
        if present and rng.random() < profile.PATROL_VIOLATION_SHARE:
            code, note = rng.choice(PATROL_VIOLATIONS)
            desk = rng.choice(present)
            violations.append(supervision.ViolationInput(code, desk.staff, window=desk.window, note=note))
        duty = self.patrol_leader.staff
        patrol = sim.attempt(
            "巡查",
            lambda: supervision.patrol_record(
                actor=self.inspector,
                branch=hall.branch,
                day=sim.day,
                round_code=round_code,
                duty_leader=duty,
                patrol_staff=[self.inspector.staff],
                violations=violations,
                note="" if violations else "大厅秩序良好",
            ),
        )
        if patrol is None:
            return
        sim.stats.add("patrols")
        if violations:
            sim.stats.add("patrol_violations")
        self._later_step(
            1,
            lambda: sim.attempt(
                "巡查签字",
                lambda: supervision.patrol_sign(actor=self.patrol_leader, patrol=patrol, opinion="情况属实"),
            ),
            morning=True,
        )

    # ---------------------------------------------------------------------------------
    # The day

    def plan_day(self, day: date) -> None:
        self.tickets_today = 0
        self._complaints(day)
        self._inspections(day)

    def sweeps(self, day: date) -> None:
        """The scheduled commands of the evening, on the simulated clock."""
        sim = self.sim
        counts = cases.cases_sweep(now=sim.moment())
        sim.stats.add("overdue_flagged", counts.get("overdue", 0))
        complaints.complaint_sweep(actor="complaints_sweep", today=day)
        ratings.follow_ups_fill_deadlines(actor="ratings_sweep")
        self._plan_callbacks(day)
