from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from workdays import signals

        signals.connect()

        from common import menu

        menu.register("工作日历", "workdays_calendar", order=91)
