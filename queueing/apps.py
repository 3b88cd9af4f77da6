from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _branch_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # A new hall gets its default queues (A 归集, B 提取, C 贷款, D 综合) at once, so a
    # kiosk works the moment a branch exists. Fixtures loading raw rows are left alone.
    if created and not raw:
        from queueing.services import hall_setup

        hall_setup(actor="system", branch=instance)


class QueueingConfig(AppConfig):
    name = "queueing"
    verbose_name = "排队叫号"

    def ready(self) -> None:
        from common import menu
        from org.models import Branch, Role
        from queueing.params import forget
        from rules.models import RuleSet

        post_save.connect(_branch_saved, sender=Branch, dispatch_uid="queueing_hall_setup")
        # The queue's rule set is kept for a few seconds per process (queueing/params.py).
        post_save.connect(forget, sender=RuleSet, dispatch_uid="queueing_rules_saved")
        post_delete.connect(forget, sender=RuleSet, dispatch_uid="queueing_rules_deleted")
        menu.register("叫号工作台", "queue_workstation_home", roles={Role.TELLER}, order=10)
        menu.register(
            "大厅排队",
            "queue_guide",
            roles={Role.GUIDE, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN},
            order=11,
        )
