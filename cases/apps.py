from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from common import demo, menu, worklist
        from org.models import Role

        demo.register("办件演示数据", "cases.demo:load_demo", order=60)

        menu.register(
            "办件",
            "case_worklist",
            roles={Role.TELLER, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN},
            order=30,
        )
        menu.register("受理办件", "case_accept", roles={Role.TELLER, Role.HEAD}, order=31)
        menu.register("超时办件", "case_overdue_report", roles={Role.OFFICE, Role.LEADER}, order=32)
        menu.register("办件期限待补算", "case_pending_calendar", roles={Role.ADMIN}, order=96)
        worklist.register("办件", "cases.todo:todo_for", order=30)
