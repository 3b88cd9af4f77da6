"""A few first-inquiry records for the demo centre (after seed_demo), dated today:
answered on the spot, a one-time notice, a hand-over waiting for its receiver
(何平, login teller2) and a report to the superior (谢娜 → 郑海). Idempotent."""

from __future__ import annotations

from django.db import transaction

from inquiries import services
from inquiries.models import Inquiry
from org.models import Department, Staff


@transaction.atomic
def seed_demo_inquiries() -> list[Inquiry]:
    if Inquiry.objects.exists():
        return list(Inquiry.objects.all())
    hu, he, xie = (Staff.objects.select_related("user").get(staff_no=n) for n in ("1101", "1103", "2002"))
    guide = Staff.objects.select_related("user").get(staff_no="1001")
    rows = [
        services.inquiry_log(
            actor=guide.user,
            channel="visit",
            matter="住房公积金缴存基数如何调整",
            outcome="handled",
            answer="告知由单位专管员每年7月统一申报调整，并指引到归集窗口取表。",
        ),
        services.inquiry_log(
            actor=hu.user,
            channel="phone",
            matter="退休提取需要哪些材料",
            outcome="notice_given",
            visitor_name="刘女士",
            visitor_phone="13803101234",
            answer="电话口头告知：身份证、退休证明、本人银行卡。",
        ),
        services.inquiry_log(
            actor=hu.user,
            channel="visit",
            matter="异地转移接续后余额未到账",
            outcome="handed_over",
            visitor_unit="邯郸市某建筑公司",
            visitor_name="张先生",
            visitor_phone="13903105678",
            department=Department.objects.get(code="DK"),
            receiver=he,
            resolve_working_days=3,
        ),
        services.inquiry_log(
            actor=xie.user,
            channel="phone",
            matter="单位破产后职工账户如何处理",
            outcome="escalated",
            visitor_unit="武安市某机械厂",
            visitor_name="王先生",
            visitor_phone="0310-5123456",
        ),
    ]
    return rows
