"""Demo data of the appraisal, relative to today, every step through the services on the
clock of the day it happens (`clock.running_at`):

* the quarter before last — entries of every kind, the main hall's peer review — was
  published after it ended; then a 旷工 line of its ledger was reversed on appeal (the
  attendance machine had failed), the nightly check flagged the publication, and the
  office published the correction (第2次公示, 更正公示): the notice board shows it;
* last quarter has ended and is computed live from its records, waiting to be published;
* this quarter is open with one entry.

Why not publish last quarter: `make run` loads this demo and then simulates the last 90
days of business (`manage.py simulate`), whose complaints, fines, inspections and
overdue cases are dated inside last quarter but recorded afterwards — a publication of
last quarter made here would at once disagree with its own records (胡晓明 would stay
优秀 although a valid complaint verified in that quarter vetoes it). The quarter before
last ends more than 90 days ago, outside anything the simulation writes, so what is
published stays true; last quarter shows its results as the records make them.

Loaded by `manage.py seed_demo` after the supervision demo (its violations and
inspections feed the quarters); skipped when any quarter exists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from appraisal import services
from appraisal.models import AppraisalQuarter
from common import clock
from common.periods import Period
from org.models import Branch, Staff


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _entries(office: Any, quarter: AppraisalQuarter, staff: dict[str, Staff], q_end: date) -> None:
    services.entry_record(
        actor=office,
        quarter=quarter,
        staff=staff["1101"],
        item_code="D1",
        quantity=2,
        occurred_on=q_end - timedelta(days=30),
        evidence="办事职工书面感谢信两封（存业务管理处）",
    )
    for no, code, n, why in [
        ("1107", "A2", 1, "未参加业务学习（签到表）"),
        ("1102", "A7", 2, "档案资料摆放无序（检查记录）"),
        ("1103", "C6", 4, "上岗不佩证（考勤与巡查记录）"),
        ("1103", "B1", 2, "未能准确解答咨询（录音复核）"),
        ("1104", "B4", 2, "提取业务差错两件（复核记录）"),
        ("1105", "D5-1", 2, "节假日加班两天（值班表）"),
        ("1106", "D2-1", 1, "市级媒体宣传表扬（报道原件）"),
        ("2002", "C4", 3, "迟到三次（考勤记录）"),
        ("3002", "B7", 2, "季度材料迟报两个工作日"),
        ("3003", "D6-1", 1, "窗口获月度“红旗窗口”"),
    ]:
        services.entry_record(
            actor=office,
            quarter=quarter,
            staff=staff[no],
            item_code=code,
            quantity=n,
            occurred_on=q_end - timedelta(days=25),
            evidence=why,
        )
    services.entry_record(
        actor=office,
        quarter=quarter,
        staff=staff["2003"],
        other_party=staff["2004"],
        item_code="C5",
        quantity=1,
        occurred_on=q_end - timedelta(days=33),
        evidence="代为签到（考勤机记录与监控）",
    )


def _peer_review(quarter: AppraisalQuarter, hall: Branch) -> None:
    """Everybody of the main hall rates every colleague (one 差 pattern for 1103)."""
    for rater in quarter.participants.select_related("staff__user").filter(staff__branch=hall):
        targets = services.peer_targets(quarter, rater.staff)
        votes = {
            t.pk: (
                "差"
                if t.staff_no == "1103" and rater.staff.staff_no < "1104"
                else "中"
                if t.staff_no in ("1103", "1104")
                else "好"
            )
            for t in targets
        }
        services.peer_ballot_submit(actor=rater.staff.user, quarter=quarter, votes=votes)


@transaction.atomic
def load_demo() -> str:
    from supervision.services.violations import violation_record, violation_reverse

    if AppraisalQuarter.objects.exists():
        return "已存在，跳过。"
    office = get_user_model().objects.get(username="office1")
    staff = {s.staff_no: s for s in Staff.objects.select_related("branch", "user")}
    hall = Branch.objects.get(code="HD01")
    today = clock.today()
    current = Period.containing("quarter", today)
    last = Period.containing("quarter", current.start - timedelta(days=1))
    before = Period.containing("quarter", last.start - timedelta(days=1))

    # The quarter before last: opened, recorded, reviewed, published — then corrected.
    with clock.running_at(_at(before.start + timedelta(days=1), 9)):
        published = services.quarter_open(
            actor=office, year=before.start.year, quarter=_quarter_of(before.start)[1]
        )
    with clock.running_at(_at(before.end - timedelta(days=20))):
        _entries(office, published, staff, before.end)
        absence = violation_record(
            actor=office,
            item_code="2.1",
            occurred_on=before.end - timedelta(days=21),
            staff=staff["1101"],
            note="考勤机无上班打卡记录，按旷工一天登记",
        )
    with clock.running_at(_at(before.end - timedelta(days=3))):
        _peer_review(published, hall)
    with clock.running_at(_at(before.end + timedelta(days=5))):
        services.quarter_publish(
            actor=office, quarter=published, note="对考核结果有异议的，请向业务管理处反映。"
        )
    with clock.running_at(_at(before.end + timedelta(days=12))):
        violation_reverse(
            actor=office,
            violation=absence,
            reason="当事人申诉：当日考勤机故障，经调取监控核实按时到岗，冲正",
        )
    with clock.running_at(_at(before.end + timedelta(days=13), 2)):
        services.publication_check(quarter=published, actor="appraisal_sweep")
    with clock.running_at(_at(before.end + timedelta(days=13), 10)):
        services.quarter_republish(
            actor=office,
            quarter=published,
            reason=f"{absence.no}（胡晓明旷工一天）经申诉核实为考勤机故障，已冲正",
        )

    # Last quarter: ended, computed live from its records, waiting to be published.
    with clock.running_at(_at(last.start + timedelta(days=1), 9)):
        services.quarter_open(actor=office, year=last.start.year, quarter=_quarter_of(last.start)[1])

    # This quarter: open, one entry so far.
    this = services.quarter_open(actor=office, year=current.start.year, quarter=_quarter_of(current.start)[1])
    services.entry_record(
        actor=office,
        quarter=this,
        staff=staff["1108"],
        item_code="D3",
        quantity=1,
        occurred_on=max(today - timedelta(days=7), current.start),
        evidence="关于优化绿色通道叫号的书面建议，已被中心采纳",
    )
    return (
        f"季度考核3个季度：{published}已公示并更正公示（第2次），{last.label}待公示，{current.label}进行中。"
    )
