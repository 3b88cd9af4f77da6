"""Helpers shared by the catalog tests."""

from __future__ import annotations

from catalog import services
from catalog.models import ItemStatus, Matter, MatterMaterial
from catalog.selectors import version_in_force


def materials_of(code: str, on=None) -> list[MatterMaterial]:
    version = version_in_force(Matter.objects.get(code=code), on)
    assert version is not None
    return list(version.materials.order_by("order"))


def statuses(
    code: str,
    *,
    missing: tuple[str, ...] = (),
    not_applicable: tuple[str, ...] = (),
    on=None,
    default: str = ItemStatus.BROUGHT,
) -> dict[int, str]:
    """Every material of the current version: names in `missing` are still needed,
    those in `not_applicable` do not apply, the rest `default` (brought)."""
    out = {}
    for m in materials_of(code, on):
        if m.name in missing:
            out[m.pk] = ItemStatus.MISSING
        elif m.name in not_applicable:
            out[m.pk] = ItemStatus.NOT_APPLICABLE
        else:
            out[m.pk] = default
    unknown = set(missing) | set(not_applicable)
    unknown -= {m.name for m in materials_of(code, on)}
    assert not unknown, f"no such materials: {unknown}"
    return out


def issue(actor, branch, code: str = "TQ001", *, citizen=None, channel="counter", now=None, **status_kw):
    from catalog.tests.conftest import CITIZEN_ID

    return services.notice_issue(
        actor=actor,
        branch=branch,
        matter=Matter.objects.get(code=code),
        channel=channel,
        citizen=citizen or services.Citizen(name="李明", id_number=CITIZEN_ID, phone="13831001234"),
        statuses=statuses(code, **status_kw),
        now=now,
    )
