"""Demo data of the appraisal, relative to today: last quarter's staff appraisal with
entries of every kind and the main hall's peer review, published; this quarter's open
with one entry. Loaded by `manage.py seed_demo` after the supervision demo (its
violations and inspections feed the quarter); skipped when any quarter exists."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from appraisal import services
from appraisal.models import AppraisalQuarter
from common import clock
from common.periods import Period
from org.models import Branch, Staff


@transaction.atomic
def load_demo() -> str:
    if AppraisalQuarter.objects.exists():
        return "已存在，跳过。"
    office = get_user_model().objects.get(username="office1")
    staff = {s.staff_no: s for s in Staff.objects.select_related("branch")}
    hd = Branch.objects.get(code="HD01")
    today = clock.today()
    this_quarter = Period.containing("quarter", today)
    this_quarter_no = (today.month - 1) // 3 + 1
    q_end = this_quarter.start - timedelta(days=1)
    year, quarter = q_end.year, (q_end.month - 1) // 3 + 1

    # Appraisal: last quarter published, this quarter open (002 篇2)
    last = services.quarter_open(actor=office, year=year, quarter=quarter)
    services.entry_record(
        actor=office,
        quarter=last,
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
        ("1105", "D5-1", 2, "国庆节假日加班两天（值班表）"),
        ("1106", "D2-1", 1, "市级媒体宣传表扬（报道原件）"),
        ("2002", "C4", 3, "迟到三次（考勤记录）"),
        ("3002", "B7", 2, "季度材料迟报两个工作日"),
        ("3003", "D6-1", 1, "窗口获月度“红旗窗口”"),
    ]:
        services.entry_record(
            actor=office,
            quarter=last,
            staff=staff[no],
            item_code=code,
            quantity=n,
            occurred_on=q_end - timedelta(days=25),
            evidence=why,
        )
    services.entry_record(
        actor=office,
        quarter=last,
        staff=staff["2003"],
        other_party=staff["2004"],
        item_code="C5",
        quantity=1,
        occurred_on=q_end - timedelta(days=33),
        evidence="代为签到（考勤机记录与监控）",
    )
    # Peer review of the main hall: everybody rates every colleague (one 差 pattern for 1103).
    for rater in last.participants.select_related("staff").filter(staff__branch=hd):
        targets = services.peer_targets(last, rater.staff)
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
        services.peer_ballot_submit(actor=rater.staff.user, quarter=last, votes=votes)
    services.quarter_publish(actor=office, quarter=last, note="对考核结果有异议的，请向业务管理处反映。")
    current = services.quarter_open(actor=office, year=today.year, quarter=this_quarter_no)
    services.entry_record(
        actor=office,
        quarter=current,
        staff=staff["1108"],
        item_code="D3",
        quantity=1,
        occurred_on=max(today - timedelta(days=7), this_quarter.start),
        evidence="关于优化绿色通道叫号的书面建议，已被中心采纳",
    )
    return "季度考核2个季度（上季度已公示）。"
