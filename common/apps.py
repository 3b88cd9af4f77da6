from django.apps import AppConfig
from django.db.models.signals import pre_save


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "公共"

    def ready(self) -> None:
        from common.guards import check_text_columns

        # Every save of every model: text fits its column, no NUL byte (common/guards.py).
        pre_save.connect(check_text_columns, dispatch_uid="common.guards.check_text_columns")
