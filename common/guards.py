"""The last guard before the database: no text longer than its column, no NUL byte.

SQLite stores 10,000 characters in a 50-character column without a word and PostgreSQL
refuses them with a 500 (`value too long for type character varying(50)`); PostgreSQL
also refuses a NUL byte in any text. Forms and schemas check lengths where a person types;
this `pre_save` receiver holds for every other path a text takes into a row (a service
called from the API, a job, an import) and answers with a DomainError that names the
field — a 422 with a message on a page and in the API, on both databases.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from common.errors import DomainError

# Apps whose rows are checked: the project's own (Django's and the libraries' tables
# are written by code that already validates).
PROJECT_APPS = frozenset(
    {
        "audit", "org", "workdays", "rules", "catalog", "documents", "queueing", "inquiries",
        "complaints", "cases", "ratings", "supervision", "appraisal", "reports",
    }
)  # fmt: skip


def check_text_columns(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender._meta.app_label not in PROJECT_APPS:
        return
    update_fields = kwargs.get("update_fields")
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise DomainError(
                f"“{field.verbose_name}”中含有空字符，请删除后重试。", code="invalid_characters", status=400
            )
        limit = getattr(field, "max_length", None)
        if limit is not None and len(value) > limit:
            raise DomainError(
                f"“{field.verbose_name}”最多{limit}个字，现在有{len(value)}个字。",
                code="too_long",
                status=422,
                field=field.name,
                max_length=limit,
            )
