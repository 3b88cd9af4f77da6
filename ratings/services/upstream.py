"""The push of ratings to the provincial 好差评 platform (000 §五(五)4(1) “系统自动将评价信息
提交给‘好差评’系统进行统一报送和归档”) through the configured backend (ratings.push): one
PushBatch per run, recorded with its outcome; each rating is pushed once."""

from __future__ import annotations

import logging

from django.db import transaction

from audit.services import audit_record
from common import clock
from common.actors import Actor, actor_label
from common.errors import DomainError
from ratings.models import PushBatch, PushItem, PushStatus, Rating

logger = logging.getLogger("ratings.services")


def ratings_push(*, actor: Actor, limit: int = 5000) -> PushBatch:
    """Push the ratings not pushed yet through the configured backend. A failed push is
    recorded (status failed, the error) and pushes nothing: the next run retries."""
    from ratings.push import backend_from_settings, export_rows

    backend = backend_from_settings()
    backend_name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    now = clock.now()
    label = actor_label(actor)
    pending = list(
        Rating.objects.filter(push_item__isnull=True)
        .select_related("staff", "department", "matter", "branch", "window", "ticket", "case")
        .order_by("rated_at", "pk")[:limit]
    )
    try:
        with transaction.atomic():
            batch = PushBatch.objects.create(
                created_at=now,
                actor_label=label,
                backend=backend_name,
                status=PushStatus.SENT,
                count=len(pending),
            )
            PushItem.objects.bulk_create([PushItem(batch=batch, rating=r) for r in pending])
            reference = backend.push(export_rows(pending), batch_id=batch.pk, at=now) if pending else ""
            batch.reference = reference[:300]
            batch.save(update_fields=["reference"])
            audit_record(
                actor=actor,
                action="ratings.push",
                obj=batch,
                summary=f"向省好差评平台推送 {len(pending)} 条评价",
                changes={"reference": batch.reference},
            )
            return batch
    except Exception as exc:
        logger.exception("好差评推送失败")
        with transaction.atomic():
            batch = PushBatch.objects.create(
                created_at=now,
                actor_label=label,
                backend=backend_name,
                status=PushStatus.FAILED,
                count=0,
                error=str(exc)[:2000],
            )
            audit_record(
                actor=actor, action="ratings.push.fail", obj=batch, summary=f"好差评推送失败：{exc}"[:500]
            )
        raise DomainError(
            f"推送失败：{exc}。评价未标记为已推送，下次推送会重试。", code="push_failed", status=502
        ) from exc
