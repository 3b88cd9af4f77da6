from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "好差评"

    def ready(self) -> None:
        from common import demo, hooks, menu, worklist
        from org.models import Role

        menu.register(
            "好差评",
            "ratings_home",
            roles={Role.OFFICE, Role.LEADER, Role.ADMIN, Role.HEAD, Role.INSPECTOR},
            order=50,
        )
        menu.register("12329回访", "ratings_callbacks", roles={Role.OFFICE}, order=51)
        menu.register("满意度测评", "ratings_surveys", order=52)
        demo.register("好差评演示数据", "ratings.demo:load_demo", order=70)
        worklist.register("好差评", "ratings.todo:todo_for", order=50)
        # 一事一评 and 12329 回访 (004 §五): a finished service and a completed case get
        # their rating tokens and callbacks in the transaction that finishes them.
        hooks.connect("ticket_completed", "ratings.services:ticket_completed")
        hooks.connect("case_completed", "ratings.services:case_completed")
        hooks.connect("case_rating_path", "ratings.selectors:case_rating_path")
        hooks.connect("evaluator_context", "ratings.evaluator:page_context")
