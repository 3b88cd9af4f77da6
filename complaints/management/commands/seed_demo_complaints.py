"""Load the demo data of complaints and first inquiries into the demo centre
(after seed_demo): a year (2025) of complaints through every path of the process,
and today's first-inquiry records.

    python manage.py seed_demo_complaints
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaints.demo import seed_complaint_year
from inquiries.demo import seed_demo_inquiries
from org.models import Staff


class Command(BaseCommand):
    help = "载入演示用的2025年投诉和今天的首问登记（需先运行 seed_demo）"

    def handle(self, *args: Any, **options: Any) -> None:
        if not Staff.objects.filter(staff_no="0101").exists():
            raise CommandError("请先运行 manage.py seed_demo 载入演示中心。")
        rows = seed_complaint_year()
        self.stdout.write(f"2025年演示投诉共 {len(rows)} 件：{'、'.join(c.no for c in rows)}")
        inquiries = seed_demo_inquiries()
        self.stdout.write(f"首问登记演示数据 {len(inquiries)} 条。")
