"""manage.py simulate — a realistic, deterministic history of the demo centre, generated
through the services (docs/simulate.md).

    manage.py simulate                      # the 90 days ending yesterday
    manage.py simulate --days 30 --seed 7 --volume 0.5
    manage.py simulate --start 2026-09-01 --end 2026-09-30
    manage.py simulate --if-empty           # make run: only on a database without history
    manage.py simulate --bulk --scale large # the large data set (reports/simulate/bulk/)
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from importlib import import_module
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.test.utils import override_settings

from audit.services import audit_record
from common import clock
from common.errors import DomainError
from queueing.models import Ticket
from reports.simulate import profile
from workdays.calendar import CalendarNotPublished, is_workday

DEMO_TICKET_LABEL = "kiosk:demo"  # the tickets of the ratings demo loader (seed_demo)
SUMMARY = [
    ("tickets", "取号"),
    ("check_ins", "其中预约签到"),
    ("served", "办结"),
    ("no_shows", "过号"),
    ("cancelled", "等候中离开"),
    ("transfers", "转移"),
    ("recalls", "重呼"),
    ("pauses", "暂停服务"),
    ("appointments", "网上预约"),
    ("cases", "办件"),
    ("cases_immediate", "  即办件"),
    ("cases_promised", "  承诺件"),
    ("cases_joint", "  联办件"),
    ("cases_escalated", "  上报件"),
    ("supplements", "补办件"),
    ("rejections", "退回件"),
    ("handovers", "联办交接"),
    ("escalations", "转报上级"),
    ("escalation_explanations", "上报超期书面解释"),
    ("extensions", "延期申请"),
    ("completed", "办结办件"),
    ("completed_late", "  其中超期办结"),
    ("overdue_flagged", "超时认定"),
    ("delivered", "送达"),
    ("ratings", "评价"),
    ("bad_ratings", "差评"),
    ("follow_ups", "差评回访"),
    ("callbacks", "12329回访（已接通）"),
    ("callbacks_unreachable", "12329回访（无法联系）"),
    ("complaints", "投诉"),
    ("complaints_invalid", "  无效投诉"),
    ("complaints_settled_on_the_spot", "  当场处理"),
    ("inspections", "窗口检查"),
    ("inspection_findings", "  发现问题"),
    ("patrols", "巡查"),
    ("patrol_violations", "  发现违规"),
]


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD，例如 2026-09-01。") from None


class Command(BaseCommand):
    help = "按服务流程生成演示中心的模拟历史数据（取号叫号、办件、评价、回访、投诉、检查、巡查）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=90, help="模拟截至昨天的天数（默认 90）")
        parser.add_argument("--start", help="开始日期 YYYY-MM-DD（与 --end 一起使用）")
        parser.add_argument("--end", help="结束日期 YYYY-MM-DD（默认昨天）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）；相同种子结果相同")
        parser.add_argument(
            "--volume",
            type=float,
            default=profile.DEFAULT_VOLUME,
            help=f"业务量倍数（默认 {profile.DEFAULT_VOLUME}；1.0 为中心服务大厅每个工作日约120个号）",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有历史取号记录时什么也不做（make run 使用）"
        )
        parser.add_argument(
            "--bulk", action="store_true", help="批量生成大数据集（不经过服务，用于性能测试）"
        )
        parser.add_argument("--scale", default="large", help="批量生成的规模（与 --bulk 一起使用）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        start, end = self._period(options, today)
        if options["if_empty"]:
            history = Ticket.objects.filter(service_date__lt=today).exclude(taken_by=DEMO_TICKET_LABEL)
            if history.exists():
                self.stdout.write("数据库中已有历史取号记录，未生成模拟数据。")
                return
        if options["bulk"]:
            self._bulk(start, end, options)
            return
        if options["volume"] <= 0 or options["volume"] > 20:
            raise CommandError("--volume 应在 0 到 20 之间，例如 0.5 或 2。")
        self._check_calendar(start, end)
        overlap = (
            Ticket.objects.filter(service_date__gte=start, service_date__lte=end)
            .exclude(taken_by=DEMO_TICKET_LABEL)
            .order_by("service_date")
            .first()
        )
        if overlap is not None:
            raise CommandError(
                f"{overlap.service_date:%Y年%m月%d日}已有取号记录（模拟数据或真实业务），"
                "模拟期间不能与已有业务重叠；请换一个期间（--start/--end）或使用新的数据库。"
            )
        from reports.simulate.engine import Simulation

        self.stdout.write(
            f"模拟 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}（种子 {options['seed']}，业务量 ×{options['volume']}）…"
        )
        began = time.monotonic()
        simulation = Simulation(
            start=start, end=end, seed=options["seed"], volume=options["volume"], stdout=self.stdout
        )
        hashers = ["reports.simulate.hashers.SimulationPasswordHasher", *settings.PASSWORD_HASHERS]
        try:
            # The booking codes are read from the locmem outbox; DEBUG off so that the
            # connection does not keep a log of the run's queries.
            with override_settings(
                SMS_BACKEND="common.sms.LocmemBackend", PASSWORD_HASHERS=hashers, DEBUG=False
            ):
                stats = simulation.run()
        except DomainError as exc:
            raise CommandError(exc.message) from None
        elapsed = time.monotonic() - began
        with transaction.atomic():
            audit_record(
                actor="simulate",
                action="reports.simulate.run",
                summary=f"生成模拟历史 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}：取号 {stats.counts['tickets']} 张",
                changes={
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "seed": options["seed"],
                    "volume": options["volume"],
                    "counts": dict(sorted(stats.counts.items())),
                },
            )
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {elapsed:.1f} 秒。"))
        self._rollup(start, end)
        for key, label in SUMMARY:
            self.stdout.write(f"  {label}：{stats.counts.get(key, 0)}")
        if stats.refused:
            self.stdout.write("  服务拒绝的操作（按业务规则，未执行）：")
            for what, n in sorted(stats.refused.items()):
                self.stdout.write(f"    {what}：{n}（例：{stats.examples.get(what, '')}）")

    def _rollup(self, start: date, end: date) -> None:
        """The nightly statistics roll-up (reports_rollup) of the simulated days, as the
        scheduler would have run it each night, so that the statistics pages read them."""
        if "reports_rollup" not in get_commands():
            return
        began = time.monotonic()
        day = start
        try:
            while day <= end:
                call_command("reports_rollup", date=day.isoformat(), stdout=StringIO())
                day += timedelta(days=1)
        except (CommandError, DomainError, DatabaseError) as exc:
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            self.stderr.write(
                f"统计汇总在 {day:%Y-%m-%d} 未完成：{message}。"
                f"请稍后运行 manage.py reports_rollup --since {start:%Y-%m-%d}。"
            )
            return
        self.stdout.write(
            f"统计汇总（reports_rollup）{(end - start).days + 1} 天，用时 {time.monotonic() - began:.1f} 秒。"
        )

    def _period(self, options: dict[str, Any], today: date) -> tuple[date, date]:
        yesterday = today - timedelta(days=1)
        end = _date(options["end"]) if options.get("end") else yesterday
        if options.get("start"):
            start = _date(options["start"])
        else:
            if options["days"] < 1 or options["days"] > 3660:
                raise CommandError("--days 应在 1 到 3660 之间。")
            start = end - timedelta(days=options["days"] - 1)
        if end < start:
            raise CommandError(
                f"结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}），请检查 --start 和 --end。"
            )
        if end >= today and not options["bulk"]:
            raise CommandError(
                f"模拟的是历史数据，结束日期最晚为昨天（{yesterday:%Y-%m-%d}）；您给出的是 {end:%Y-%m-%d}。"
            )
        return start, end

    def _check_calendar(self, start: date, end: date) -> None:
        day = start
        try:
            while day <= end:
                is_workday(day)
                day = date(day.year + 1, 1, 1) if day.year < end.year else end + timedelta(days=1)
        except CalendarNotPublished as exc:
            raise CommandError(
                f"{exc.year}年的节假日安排尚未发布（工作日历中没有该年），不能模拟该期间；"
                "请先在工作日历中发布该年的安排，或选择已发布年度内的期间。"
            ) from None

    def _bulk(self, start: date, end: date, options: dict[str, Any]) -> None:
        try:
            bulk = import_module("reports.simulate.bulk")
        except ModuleNotFoundError as exc:
            if exc.name != "reports.simulate.bulk":
                raise
            raise CommandError("批量生成模块 reports/simulate/bulk.py 尚未安装，不能使用 --bulk。") from None
        bulk.generate(start=start, end=end, scale=options["scale"], seed=options["seed"], stdout=self.stdout)
