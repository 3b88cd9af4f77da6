"""The one shape of an event row: who, when, from, to, note (DESIGN.md convention 2).

Every stateful record has a `<Record>Event` table built on `StatusEvent` with a real
foreign key to its record (`related_name="events"`); timelines, deadlines and statistics
read those rows. `common.transitions.transition` writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from common import clock


class StatusEvent(models.Model):
    """One change of a record: who (a person, or the label of a device or job), when,
    from which status to which, and a note. Subclasses add the foreign key to their
    record and whatever else their timeline shows (an action, a public note)."""

    at = models.DateTimeField("时间", default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=100)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.from_status or '—'}→{self.to_status or '—'}"
