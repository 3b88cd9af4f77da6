"""What the notice services share: the locked notice and the one way its status moves
(audit.transitions.transition, with the notice's own refusal message and audit action
"catalog.notice.<status>").
"""

from __future__ import annotations

from audit.transitions import transition
from catalog.models import NoticeStatus, OneTimeNotice
from common.actors import AnyActor


def move_notice(
    notice: OneTimeNotice, to: str, *, actor: AnyActor, note: str, verb: str, fields: tuple[str, ...] = ()
) -> None:
    """Move a locked notice to `to` along its map; `verb` says what was refused
    ("签名", "作废", …) when the map does not allow it."""
    before = notice.status
    transition(
        notice,
        to,
        actor=actor,
        fields=fields,
        note=note,
        audit=f"catalog.notice.{to}",
        summary=f"一次性告知清单 {notice.number}：{NoticeStatus(before).label} → {NoticeStatus(to).label}"
        + (f"（{note}）" if note else ""),
        refused=f"清单 {notice.number} 当前为“{NoticeStatus(before).label}”，不能{verb}。",
    )


def locked_notice(notice: OneTimeNotice) -> OneTimeNotice:
    return OneTimeNotice.objects.select_for_update().get(pk=notice.pk)
