from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from common import demo, menu, worklist
        from org.models import Role

        menu.register(
            "窗口评分",
            "window_scores",
            roles={Role.OFFICE, Role.LEADER, Role.HEAD, Role.INSPECTOR, Role.ADMIN},
            order=75,
        )
        menu.register(
            "季度考核", "quarter_list", roles={Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN}, order=76
        )
        menu.register("我的考核", "my_appraisal", roles={Role.TELLER, Role.GUIDE}, order=77)
        # After the supervision demo (order 70): its inspections and violations count.
        demo.register("考核演示数据", "appraisal.demo:load_demo", order=80)
        worklist.register("考核", "appraisal.todo:todo_for", order=80)
