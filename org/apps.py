from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from org.services import roles_sync

    roles_sync()


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        # After every migrate (and test-database flush) the role groups exist with
        # their admin permissions, including those of apps migrated after org.
        post_migrate.connect(_sync_roles, dispatch_uid="org_sync_roles")

        from common import menu
        from org import security
        from org.models import Role

        security.connect_axes_signals()
        menu.register("工作台", "home", order=0)
        menu.register("组织机构", "org_overview", order=90)
        menu.register("登录锁定", "login_lockouts", roles={Role.ADMIN}, order=92)
