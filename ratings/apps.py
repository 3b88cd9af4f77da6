from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "好差评"

    def ready(self) -> None:
        from common import demo, menu, worklist
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
