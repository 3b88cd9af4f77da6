"""What the supervision services share: who may act, the refusal of bad input, record
numbers (JC2026-0001 …), photos and scans, and the events that are not status moves
(a record's creation, a note on its timeline). Status moves go through
`audit.transitions.transition`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from common.actors import Actor, AnyActor, event_actor, forbidden, user_or_none
from common.errors import DomainError
from common.uploads import check_upload
from org.access import has_role
from org.models import Role
from supervision import conf
from supervision.models import NEW, InspectionKind, Upload
from supervision.models import Sequence as NumberSequence

INSPECT_ROLES = {
    InspectionKind.DAILY: (Role.INSPECTOR, Role.OFFICE),
    InspectionKind.SURPRISE: (Role.INSPECTOR, Role.OFFICE),
    InspectionKind.LEADER: (Role.LEADER,),
}
PATROL_ROLES = (Role.INSPECTOR, Role.OFFICE, Role.LEADER)
FACILITY_ROLES = (Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)


def invalid(message: str, **extra: Any) -> DomainError:
    return DomainError(message, code="invalid_input", **extra)


def require(actor: Actor, roles: Iterable[Role], what: str) -> None:
    """A 403 unless a signed-in person holding one of `roles` acts."""
    roles = tuple(roles)
    if isinstance(actor, str) or actor is None or not has_role(actor, *roles):
        labels = "、".join(r.label for r in roles)
        raise forbidden(f"{what}只能由{labels}办理。")


def next_no(prefix: str, year: int, width: int = 4) -> str:
    """The next number under `prefix` and `year` ("JC2026-0001"), the counter row locked."""
    key = f"{prefix}{year}"
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{prefix}{year}-{seq.last:0{width}d}"


def record_event(obj: Any, *, actor: AnyActor, note: str = "", created: bool = False) -> Any:
    """An event on `obj`'s timeline that is not a move: its creation (from nothing to its
    initial status) or a note at its current status (a signature of two, a correction
    due)."""
    user, label = event_actor(actor)
    return obj.events.create(
        actor=user,
        actor_label=label,
        from_status=NEW if created else obj.status,
        to_status=obj.status,
        note=note,
    )


def attach_files(
    *, actor: Actor, owner_type: str, owner_id: int, files: Iterable[UploadedFile], existing: int = 0
) -> list[Upload]:
    """Store photos or scans for a record after checking their type and size."""
    files = [f for f in files if f]
    if not files:
        return []
    if existing + len(files) > conf.upload_max_files():
        raise invalid(f"每条记录最多 {conf.upload_max_files()} 张照片或附件。")
    user = user_or_none(actor)
    if user is None:
        raise forbidden("上传照片需要登录。")
    rows = []
    for upload in files:
        name, content_type = check_upload(
            upload, types=conf.UPLOAD_TYPES, max_bytes=conf.upload_max_bytes(), what="照片或附件"
        )
        rows.append(
            Upload.objects.create(
                owner_type=owner_type,
                owner_id=owner_id,
                file=upload,
                name=name,
                size=upload.size or 0,
                content_type=content_type,
                uploaded_by=user,
            )
        )
    return rows
