"""A small, fully known week of one hall (HD01, ISO week 2026-W12 = 16–22 March 2026)
for the review tests, written as rows (the figures are read-only aggregates of them).
Rows of another branch and of the days just outside the week check the bounds."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 16)
WEEK = "2026-W12"
PERSON_ID = "130402198807150027"
MOBILE = "13831001234"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


class Week:
    """Builds the known week; `build()` returns self with the rows' handles."""

    def __init__(self) -> None:
        from org.demo import seed_demo
        from org.models import Branch

        seed_demo()
        self.hd = Branch.objects.get(code="HD01")
        self.wa = Branch.objects.get(code="WA01")
        self.n = 0

    # --- queue ------------------------------------------------------------------------
    def queue(self, branch):  # type: ignore[no-untyped-def]
        from queueing.models import Queue

        return Queue.objects.get_or_create(
            branch=branch, category="withdrawal", defaults={"letter": "B", "name": "提取"}
        )[0]

    def ticket(
        self, branch, day: date, taken: tuple[int, int], status: str, calls: list[tuple[int, int]] = ()
    ):  # type: ignore[no-untyped-def,assignment]
        from queueing.models import Ticket, TicketEvent

        self.n += 1
        queue = self.queue(branch)
        taken_at = at(day, *taken)
        ticket = Ticket.objects.create(
            branch=branch,
            queue=queue,
            service_date=day,
            number=self.n,
            display_number=f"B{self.n:03d}",
            category="withdrawal",
            source="kiosk",
            status=status,
            token=uuid.uuid4().hex,
            taken_at=taken_at,
            taken_by="kiosk:test",
            queued_at=taken_at,
        )
        TicketEvent.objects.create(
            ticket=ticket, action="take", to_status="waiting", at=taken_at, actor_label="t"
        )
        for h, m in calls:
            TicketEvent.objects.create(
                ticket=ticket,
                action="call",
                from_status="waiting",
                to_status="called",
                at=at(day, h, m),
                actor_label="t",
            )
        return ticket

    def rating(self, ticket, level: int, *, comment: str = "", day: date | None = None):  # type: ignore[no-untyped-def]
        from ratings.models import Rating, RatingToken

        labels = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
        day = day or ticket.service_date
        token = RatingToken.objects.create(
            token=uuid.uuid4().hex,
            channel="counter",
            service_kind="visit",
            ticket=ticket,
            branch=ticket.branch,
            created_at=at(day, 15),
            expires_at=at(day, 23),
        )
        return Rating.objects.create(
            token=token,
            service_kind="visit",
            ticket=ticket,
            channel="counter",
            level=level,
            level_label=labels[level],
            is_bad=level <= 2,
            comment=comment,
            rater_type="person",
            branch=ticket.branch,
            category="withdrawal",
            service_number=ticket.display_number,
            rated_at=at(day, 16),
            rated_on=day,
            rules_ref="test@1",
        )

    def build(self) -> Week:
        from complaints.models import Complaint
        from queueing.models import Appointment
        from ratings.models import FollowUp
        from supervision.models import Violation

        hd, wa = self.hd, self.wa
        mon, tue = MONDAY, MONDAY + timedelta(days=1)
        # Waits of the counted tickets: 5, 25, 10 (first call; recalled later), 15 → avg 13.75,
        # p90 25, within 20 minutes 3 of 4.
        t1 = self.ticket(hd, mon, (9, 0), "done", [(9, 5)])
        t2 = self.ticket(hd, mon, (9, 0), "done", [(9, 25)])
        self.ticket(hd, mon, (9, 10), "done", [(9, 20), (9, 50)])
        self.ticket(hd, mon, (9, 30), "no_show", [(9, 40)])
        self.ticket(hd, mon, (10, 0), "cancelled")
        t6 = self.ticket(hd, tue, (9, 0), "done", [(9, 15)])
        self.ticket(wa, mon, (9, 0), "done", [(11, 0)])  # another branch
        self.ticket(hd, MONDAY - timedelta(days=1), (9, 0), "done", [(12, 0)])  # the Sunday before
        # Ratings: 5, 4, 1 (bad, followed up and contacted), another branch's 1.
        self.rating(t1, 5, comment=f"服务很好，建议增加休息座椅。电话{MOBILE}")
        self.rating(t2, 4)
        bad = self.rating(t6, 1, comment="等候时间太长")
        FollowUp.objects.create(
            rating=bad,
            branch=hd,
            opened_on=tue,
            problem="等候时间太长",
            status="contacted",
            created_at=at(tue, 17),
        )
        wa_ticket = self.ticket(wa, mon, (10, 0), "done", [(10, 5)])
        self.rating(wa_ticket, 1)
        # Appointments: 3 in the week (checked in, no-show, cancelled), 1 the week after.
        for i, (status, day) in enumerate(
            [
                ("checked_in", mon),
                ("no_show", tue),
                ("cancelled", tue),
                ("booked", MONDAY + timedelta(days=7)),
            ]
        ):
            Appointment.objects.create(
                branch=hd,
                queue=self.queue(hd),
                category="withdrawal",
                service_date=day,
                slot_start="09:00",
                slot_end="09:30",
                name="李明",
                id_number=PERSON_ID,
                mobile=MOBILE,
                code=f"A{i}X{self.n}",
                status=status,
                created_at=at(MONDAY - timedelta(days=3), 10),
            )
        # Complaints about HD01: one received in the week and still open, one received the
        # week before and closed in the week, with a suggestion; one about WA01.
        complaint_fields = {
            "query_password_hash": "x",
            "channel": "phone",
            "subject": "等候时间长",
            "content": "等候时间长",
            "rules_ref": "test@1",
        }
        Complaint.objects.create(
            no="TS-1",
            branch=hd,
            received_at=at(tue, 10),
            received_on=tue,
            status="accepted",
            suggestion="建议增开窗口",
            complainant_name="张三",
            **complaint_fields,
        )
        Complaint.objects.create(
            no="TS-2",
            branch=hd,
            received_at=at(MONDAY - timedelta(days=5), 10),
            received_on=MONDAY - timedelta(days=5),
            status="closed",
            closed_at=at(tue, 15),
            **complaint_fields,
        )
        Complaint.objects.create(
            no="TS-3",
            branch=wa,
            received_at=at(tue, 10),
            received_on=tue,
            status="received",
            **complaint_fields,
        )
        # A violation in the ledger for HD01 in the week, and a reversed one.
        for i, status in enumerate(("active", "reversed")):
            Violation.objects.create(
                no=f"WG-{i}",
                offender_name="胡晓明",
                branch=hd,
                occurred_on=tue,
                item_code="1",
                item_text="上班时间玩手机",
                clause="002 篇4 一1",
                amount_yuan=50,
                source="patrol",
                status=status,
                rules_ref="test@1",
                recorded_by_label="t",
            )
        return self


def user(role: str, branch_code: str | None = None):  # type: ignore[no-untyped-def]
    """A user with the role (and branch) through the org service, like make_user."""
    from org.models import Branch, Role
    from org.services import staff_account_create

    user.n = getattr(user, "n", 0) + 1  # type: ignore[attr-defined]
    n = user.n  # type: ignore[attr-defined]
    staff = staff_account_create(
        actor="test",
        username=f"rv{n}_{role}",
        password="pw-for-tests-only",
        staff_no=f"RV{n:04d}",
        name=f"测试{n}",
        roles=[Role(role)],
        branch=Branch.objects.get(code=branch_code) if branch_code else None,
    )
    return get_user_model().objects.get(pk=staff.user_id)
