"""Loading the seeded guide and the phrase list into the database. Used by migration
0002 (with the historical models) and by `manage.py seed_catalog` (idempotent: a
matter whose code exists is left as it is — a revision is made with matter_revise)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog.seed import MATTERS, MatterSeed
from documents.phrase_data import PHRASES

# The day the 邯郸 2021 办法 was signed: the guide's first version is in force from the
# same day as the default rule sets (docs/rules.md).
FIRST_EFFECTIVE = date(2021, 7, 21)


@dataclass
class SeedResult:
    created: list[str]
    skipped: list[str]
    phrases: int


def version_fields(seed: MatterSeed) -> dict[str, Any]:
    return {
        "name": seed.name,
        "keywords": seed.keywords,
        "summary": seed.summary,
        "handling_type": seed.handling_type,
        "legal_basis": seed.legal_basis,
        "conditions": seed.conditions,
        "procedure": list(seed.procedure),
        "result": seed.result,
        "statutory_days": seed.statutory_days,
        "statutory_basis": seed.statutory_basis,
        "promised_days": seed.promised_days,
        "limit_basis": seed.limit_basis,
        "is_free": seed.is_free,
        "fee_note": seed.fee_note,
        "place": seed.place,
        "hours": seed.hours or _default_hours(),
        "consultation_phone": seed.consultation_phone,
        "complaint_phone": seed.complaint_phone,
        "online_available": seed.online_available,
        "online_note": seed.online_note,
        "appointment_allowed": seed.appointment_allowed,
        "joint_parties": seed.joint_parties,
        "notes": seed.notes,
    }


def _default_hours() -> str:
    from catalog.seed.common import HOURS

    return HOURS


def seed_catalog(
    apps: Any,
    *,
    actor_label: str,
    record: Callable[[str, dict[str, Any]], None] | None = None,
) -> SeedResult:
    """Create the seeded matters that are missing and bring the phrase list up to date."""
    matter_model = apps.get_model("catalog", "Matter")
    version_model = apps.get_model("catalog", "MatterVersion")
    material_model = apps.get_model("catalog", "MatterMaterial")
    event_model = apps.get_model("catalog", "MatterEvent")
    phrase_model = apps.get_model("catalog", "Phrase")

    existing = set(matter_model.objects.values_list("code", flat=True))
    created, skipped = [], []
    for seed in MATTERS:
        if seed.code in existing:
            skipped.append(seed.code)
            continue
        matter = matter_model.objects.create(
            code=seed.code,
            category=seed.category,
            service_object=seed.service_object,
            group=seed.group,
            stage_order=seed.stage_order,
        )
        version = version_model.objects.create(
            matter=matter,
            number=1,
            effective_from=FIRST_EFFECTIVE,
            created_by_label=actor_label,
            change_note="首版：按本中心办事指南载入。",
            **version_fields(seed),
        )
        material_model.objects.bulk_create(
            material_model(
                version=version,
                code=f"{seed.code}-M{i:02d}",
                order=i,
                name=m.name,
                requirement=m.requirement,
                condition=m.condition,
                form=m.form,
                copies=m.copies,
                source=m.source,
                standard=m.standard,
                provided_form=m.provided_form,
            )
            for i, m in enumerate(seed.materials, start=1)
        )
        event_model.objects.create(
            matter=matter,
            kind="created",
            actor_label=actor_label,
            to_status="active",
            version_number=1,
            note=f"载入办事指南：{seed.name}",
        )
        created.append(seed.code)

    for order, row in enumerate(PHRASES, start=1):
        phrase_model.objects.update_or_create(
            order=order,
            defaults={
                "situation": row.situation.value,
                "text": row.text,
                "clause": row.clause,
                "circumstance": row.circumstance,
                "audience": row.audience.value,
                "kind": row.kind.value,
            },
        )
    phrase_model.objects.filter(order__gt=len(PHRASES)).delete()

    if record is not None and created:
        record(
            f"载入办事指南 {len(created)} 个事项、服务用语 {len(PHRASES)} 条",
            {"created": created, "phrases": len(PHRASES)},
        )
    return SeedResult(created=created, skipped=skipped, phrases=len(PHRASES))
