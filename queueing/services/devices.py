"""The tokens of a hall's devices (000 §四(二)2(4), 3(1), 3(3)): a kiosk, a hall display
or a counter tablet is issued a token shown once (only its hash is kept) and can be
revoked. How a device authenticates is in queueing/devices.py.
"""

from __future__ import annotations

from django.db import transaction

from audit.services import audit_record
from common import clock
from common.actors import AnyActor
from common.errors import DomainError
from org.models import Branch, Window
from queueing.models import Device, DeviceKind


@transaction.atomic
def device_issue(
    *, actor: AnyActor, branch: Branch, kind: str, name: str, window: Window | None = None
) -> tuple[Device, str]:
    """A device and its token, returned in clear this once (only its hash is stored)."""
    if kind not in DeviceKind.values:
        raise DomainError("设备类型应为 kiosk（取号机）、board（叫号显示屏）或 counter（柜台平板）。")
    if kind == DeviceKind.COUNTER and window is None:
        raise DomainError("柜台平板必须指定所在窗口（--window）。")
    if window is not None and window.branch_id != branch.pk:
        raise DomainError("窗口不属于该管理部。")
    token = Device.new_token()
    device = Device.objects.create(
        branch=branch,
        kind=kind,
        window=window,
        name=name.strip()[:100] or DeviceKind(kind).label,
        token_hash=Device.hash_token(token),
        hint=token[-4:],
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="queueing.device.issue", obj=device, summary=f"签发设备令牌：{device}")
    return device, token


@transaction.atomic
def device_revoke(*, actor: AnyActor, device: Device) -> Device:
    device.revoked_at = clock.now()
    device.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="queueing.device.revoke", obj=device, summary=f"吊销设备令牌：{device}")
    return device
