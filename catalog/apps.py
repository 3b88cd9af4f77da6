from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "办事指南"

    def ready(self) -> None:
        from common import menu
        from org.models import Role

        menu.register("办事指南", "guide_index", order=20)
        menu.register(
            "一次性告知",
            "notice_list",
            roles={Role.TELLER, Role.GUIDE, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN},
            order=22,
        )
        menu.register("服务用语", "phrase_list", order=24)
