from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "规则集"

    def ready(self) -> None:
        from common import menu

        menu.register("规则集", "rule_set_list", order=92)
