from typing import Any

from django.core.management.base import BaseCommand, CommandError

from common.errors import DomainError
from org.models import Branch, Window
from queueing.models import DeviceKind
from queueing.services import device_issue


class Command(BaseCommand):
    help = (
        "为大厅设备签发令牌：取号机（kiosk）、叫号显示屏（board）、柜台平板（counter，需 --window）。"
        "令牌只显示这一次；设备首次打开 /queue/device/ 时输入，或在接口中用 Authorization: Bearer。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--branch", required=True, help="管理部代码，如 HD01")
        parser.add_argument("--kind", required=True, choices=DeviceKind.values, help="设备类型")
        parser.add_argument("--window", type=int, help="窗口号（柜台平板必填）")
        parser.add_argument("--name", default="", help="名称，如：大厅1号取号机")

    def handle(
        self, *args: Any, branch: str, kind: str, window: int | None, name: str, **options: Any
    ) -> None:
        the_branch = Branch.objects.filter(code=branch, is_active=True).first()
        if the_branch is None:
            raise CommandError(f"没有代码为 {branch} 的在用管理部。")
        the_window = None
        if window is not None:
            the_window = Window.objects.filter(branch=the_branch, number=window, is_active=True).first()
            if the_window is None:
                raise CommandError(f"{the_branch.name}没有 {window} 号窗口。")
        try:
            device, token = device_issue(
                actor="issue_device_token", branch=the_branch, kind=kind, name=name, window=the_window
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(f"已签发：{device}（令牌只显示这一次）")
        self.stdout.write(token)
