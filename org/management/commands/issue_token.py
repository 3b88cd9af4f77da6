from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from org.services import api_token_issue


class Command(BaseCommand):
    help = "为用户签发接口令牌（Authorization: Bearer …），供设备和脚本使用。令牌只显示这一次。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="用户名")
        parser.add_argument("--name", default="命令行签发", help="用途，例如：1号窗口评价器")

    def handle(self, *args: Any, user: str, name: str, **options: Any) -> None:
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"没有名为 {user} 的在用账号。")
        key = api_token_issue(actor="issue_token", user=account, name=name)
        self.stdout.write(key)
