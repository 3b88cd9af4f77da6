from importlib import import_module

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计分析"

    def ready(self) -> None:
        # Each area registers its own menu entries (order 1–9 joins 工作台, 100+ is 统计分析).
        for area in ("stats", "dashboard", "review"):
            import_module(f"reports.{area}.nav")
