"""What the supervision records share: branch scoping of their lists, the numbering
sequences (JC2026-0001 …) and the "from" status of a creating event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

NEW = ""  # the "from" status of a creating event


def _scope_filter(user: AbstractBaseUser | AnonymousUser, field: str) -> Q | None:
    """None = no restriction; else the Q limiting rows to the user's branch (`field`)."""
    from org.access import branch_scope

    scope = branch_scope(user)
    if scope is None:
        return None
    return Q(**{f"{field}__in": scope})


class Sequence(models.Model):
    """The last number given under a key (e.g. "JC2026"), locked while counting."""

    key = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号"

    def __str__(self) -> str:
        return f"{self.key} {self.last}"
