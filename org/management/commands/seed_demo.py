from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common import demo
from org.demo import demo_logins, seed_demo
from org.models import Centre


class Command(BaseCommand):
    help = "载入演示中心（邯郸式：一个服务大厅、两个县管理部、14个窗口、30名工作人员）。可重复执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="只在数据库中还没有任何中心时载入（make run 使用）"
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="DEBUG 关闭时也载入（仅用于演示服务器）"
        )

    def handle(
        self, *args: Any, if_empty: bool = False, allow_production: bool = False, **options: Any
    ) -> None:
        # The demo logins share a published password: never let them into production by accident.
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG 已关闭（生产环境），演示中心的账号使用公开的演示密码，不予载入。"
                "确需在演示服务器上载入，请加 --allow-production。"
            )
        if if_empty and Centre.objects.exists():
            self.stdout.write("数据库已有数据，未载入演示中心。")
        else:
            if seed_demo():
                self.stdout.write(self.style.SUCCESS("演示中心已载入。"))
            else:
                self.stdout.write("演示中心已存在，无需载入。")
            for loader in demo.loaders():
                self.stdout.write(f"{loader.label}：{loader.load()}")
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("演示账号 (demo logins) — 密码仅供演示 (demo only, never in production):")
        for username, role, who in demo_logins():
            self.stdout.write(f"  {username:<12} {settings.DEMO_PASSWORD:<12} {role:<8} {who}")
