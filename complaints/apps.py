from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉管理"

    def ready(self) -> None:
        from common import demo, menu, worklist
        from org.models import Role

        demo.register("投诉与首问演示数据", "complaints.demo:load_demo", order=50)

        menu.register("投诉管理", "complaint_list", roles={Role.OFFICE, Role.LEADER, Role.HEAD}, order=60)
        menu.register("投诉分析", "complaint_analysis", roles={Role.OFFICE, Role.LEADER}, order=61)
        menu.register("涉及我的投诉", "complaint_mine", roles={Role.GUIDE, Role.TELLER}, order=62)
        menu.register("时限待补算", "complaint_pending_calendar", roles={Role.ADMIN}, order=95)
        worklist.register("投诉", "complaints.todo:todo_for", order=60)
