from typing import Any

from django.core.management.base import BaseCommand

from queueing.services import queue_day_end


class Command(BaseCommand):
    help = (
        "日终清理（每天营业结束后由定时任务运行，零点后，如 00:10）：前一天及以前仍在排队的号取消、"
        "叫号未办理的记为过号、未签退的窗口签退；当天未签到的预约记为爽约。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = queue_day_end(actor="queue_day_end")
        self.stdout.write(
            "取消排队号 {tickets_cancelled} 个，过号 {tickets_no_show} 个，签退窗口 {windows_closed} 个，"
            "预约记为爽约 {appointments_no_show} 个。".format(**result)
        )
