from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "文书"

    def ready(self) -> None:
        from common import menu
        from org.models import Role

        menu.register(
            "文书样式", "documents_index", roles={Role.HEAD, Role.OFFICE, Role.LEADER, Role.ADMIN}, order=80
        )
