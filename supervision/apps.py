from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督检查"

    def ready(self) -> None:
        import documents.forms.issue_notice  # noqa: F401 — registers the 问题交办函 with the PDF renderer
        from common import demo, hooks, menu
        from org.models import Role

        # The ledger follows the complaint fines and first-inquiry breaches in the
        # transaction of the decision (supervision/services/sources.py).
        for name in (
            "complaint_fine_recorded",
            "complaint_fine_withdrawn",
            "breach_recorded",
            "breach_withdrawn",
        ):
            hooks.connect(name, f"supervision.services.sources:{name}")

        demo.register("监督检查演示数据", "supervision.demo:load_demo", order=70)
        see = {Role.INSPECTOR, Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN}
        menu.register("监督检查", "inspection_list", roles=see, order=70)
        menu.register("巡查", "patrol_home", roles=see, order=71)
        menu.register("违规台账", "violation_ledger", order=72)
        menu.register("第三方检查", "tp_home", roles=see, order=73)
