from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "首问负责"

    def ready(self) -> None:
        from common import menu

        menu.register("首问负责", "inquiry_home", order=40)
