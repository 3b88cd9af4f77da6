"""Reads of the catalog: the version in force, the public search, notices a user
may see, the standard phrases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from catalog.models import (
    ItemStatus,
    Matter,
    MatterMaterial,
    MatterStatus,
    MatterVersion,
    OneTimeNotice,
    Phrase,
    ServiceObject,
    Situation,
)
from common import clock

if TYPE_CHECKING:
    from catalog.services.notices import Citizen
from documents.phrase_data import fill
from org.models import Category

User = AbstractBaseUser | AnonymousUser

CATEGORY_ORDER = [Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER]


# --- Versions ---------------------------------------------------------------------------


def version_in_force(matter: Matter, on: date | None = None) -> MatterVersion | None:
    """The latest version whose effective date has come (the current version)."""
    on = on or clock.today()
    return (
        MatterVersion.objects.filter(matter=matter, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .select_related("matter")
        .first()
    )


def current_versions(on: date | None = None) -> QuerySet[MatterVersion]:
    """The version in force of every matter (one row per matter that has one)."""
    on = on or clock.today()
    latest = (
        MatterVersion.objects.filter(matter=OuterRef("matter"), effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )
    return MatterVersion.objects.filter(effective_from__lte=on, pk=Subquery(latest)).select_related("matter")


def matter_by_code(code: str) -> Matter:
    matter = Matter.objects.filter(code=code.strip().upper()).first()
    if matter is None:
        raise Http404(f"没有编码为 {code} 的服务事项。")
    return matter


def version_with_materials(version: MatterVersion) -> MatterVersion:
    return (
        MatterVersion.objects.select_related("matter")
        .prefetch_related(
            Prefetch("materials", queryset=MatterMaterial.objects.order_by("order")), "departments"
        )
        .get(pk=version.pk)
    )


def guide_page(
    code: str, *, number: int | None = None, on: date | None = None
) -> tuple[Matter, MatterVersion]:
    """A matter and the version to show: a given version number, or the one in force."""
    matter = matter_by_code(code)
    if number is not None:
        version = MatterVersion.objects.filter(matter=matter, number=number).first()
    else:
        version = version_in_force(matter, on)
    if version is None:
        raise Http404("该事项尚无施行中的办事指南。")
    return matter, version_with_materials(version)


def versions_of(matter: Matter) -> list[MatterVersion]:
    return list(MatterVersion.objects.filter(matter=matter).order_by("-number"))


def stage_siblings(matter: Matter, on: date | None = None) -> list[MatterVersion]:
    """The other steps of a loan procedure timed step by step (same group), in order."""
    if not matter.group:
        return []
    return sorted(current_versions(on).filter(matter__group=matter.group), key=lambda v: v.matter.stage_order)


# --- Search -----------------------------------------------------------------------------

_SPACES = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class SearchHit:
    version: MatterVersion
    rank: int  # 0 exact name, 1 name contains all terms, 2 keywords/code, 3 materials

    @property
    def rank_label(self) -> str:
        return ("名称完全一致", "名称", "检索词", "申报材料")[self.rank]


def search_terms(q: str) -> list[str]:
    return [t for t in _SPACES.split((q or "").strip()) if t][:5]


def matters_search(
    q: str = "",
    *,
    category: str = "",
    service_object: str = "",
    on: date | None = None,
    include_withdrawn: bool = False,
) -> list[SearchHit]:
    """Matters whose current version matches every term of `q` in its name, keywords,
    code or material names (Chinese partial words: 购房 finds 购房 in the keywords of
    购买自住住房). Exact name matches first, then name, keywords, materials; within a
    rank by category and code. icontains is plain LIKE on both SQLite and PostgreSQL,
    enough at a centre's hundred-odd matters."""
    versions = current_versions(on)
    if not include_withdrawn:
        versions = versions.exclude(matter__status=MatterStatus.WITHDRAWN)
    if category:
        versions = versions.filter(matter__category=category)
    if service_object:
        versions = versions.filter(matter__service_object=service_object)
    terms = search_terms(q)
    if terms:
        for term in terms:
            versions = versions.filter(
                Q(name__icontains=term)
                | Q(keywords__icontains=term)
                | Q(matter__code__iexact=term)
                | Q(matter__group__icontains=term)
                | Q(materials__name__icontains=term)
            )
        versions = versions.prefetch_related("materials")
    hits = [SearchHit(v, _rank(v, q.strip(), terms)) for v in versions.distinct()]
    order: dict[str, int] = {c.value: i for i, c in enumerate(CATEGORY_ORDER)}
    hits.sort(key=lambda h: (h.rank, order.get(h.version.matter.category, 9), h.version.matter.code))
    return hits


def _rank(version: MatterVersion, q: str, terms: Sequence[str]) -> int:
    if not terms:
        return 1
    name = version.name.lower()
    if q and name == q.lower():
        return 0
    if all(t.lower() in name for t in terms):
        return 1
    keywords = f"{version.keywords} {version.matter.code} {version.matter.group}".lower()
    if all(t.lower() in name or t.lower() in keywords for t in terms):
        return 2
    return 3


def category_counts(on: date | None = None) -> dict[str, int]:
    counts: dict[str, int] = {c.value: 0 for c in CATEGORY_ORDER}
    for category in (
        current_versions(on)
        .exclude(matter__status=MatterStatus.WITHDRAWN)
        .values_list("matter__category", flat=True)
    ):
        counts[category] = counts.get(category, 0) + 1
    return counts


def grouped_by_category(hits: Iterable[SearchHit]) -> list[tuple[str, str, list[SearchHit]]]:
    """[(category, label, hits)] in the category order, empty categories left out."""
    by: dict[str, list[SearchHit]] = {}
    for hit in hits:
        by.setdefault(hit.version.matter.category, []).append(hit)
    return [(c.value, c.label, by[c.value]) for c in CATEGORY_ORDER if c.value in by]


def service_object_label(value: str) -> str:
    return ServiceObject(value).label if value in ServiceObject.values else ""


# --- Notices ----------------------------------------------------------------------------


def notices_visible_to(user: User) -> QuerySet[OneTimeNotice]:
    return OneTimeNotice.objects.visible_to(user).select_related(
        "branch", "matter", "version", "issued_by", "issued_by__staff", "breach_of"
    )


def notice_for_user(user: User, number: str) -> OneTimeNotice:
    """The notice if the user's role and branch may see it, else 404 (never fetched
    first and checked afterwards)."""
    notice = (
        notices_visible_to(user).prefetch_related("items__material", "events").filter(number=number).first()
    )
    if notice is None:
        raise Http404("没有找到该一次性告知清单，或您无权查看。")
    return notice


def notices_of_citizen(notice: OneTimeNotice) -> list[OneTimeNotice]:
    """Every notice for the same citizen and matter (the history a complaint looks at)."""
    q = Q()
    if notice.citizen_id_number:
        q |= Q(citizen_id_number=notice.citizen_id_number)
    if notice.citizen_phone:
        q |= Q(citizen_phone=notice.citizen_phone)
    if not q:
        return [notice]
    return list(
        OneTimeNotice.objects.filter(matter=notice.matter)
        .filter(q)
        .select_related("branch", "version")
        .order_by("issued_at")
    )


# --- Phrases ----------------------------------------------------------------------------


def phrases_for(situation: Situation | str) -> list[Phrase]:
    return list(Phrase.objects.filter(situation=str(situation)).order_by("order"))


def phrase_entry(situation: Situation | str) -> Phrase:
    phrase = Phrase.objects.filter(situation=str(situation)).order_by("order").first()
    if phrase is None:
        raise LookupError(f"没有“{situation}”情形的服务用语。")
    return phrase


def phrase_for(situation: Situation | str, *values: str) -> str:
    """The standard phrase for a situation, verbatim (the 邯郸 2021 phrase where it has
    one), with its placeholders (XX, **, X …) filled by `values` in order:

        phrase_for(Situation.DAY_CLOSE)
        → "对不起，我们已经轧账了，请您使用自助办理好吗？"
        phrase_for(Situation.INCOMPLETE_MATERIALS, "《购房合同》")
        → "抱歉，您提交的资料缺少《购房合同》，我现在把补办的清单给您，请您完善后再来办理"
    """
    return fill(phrase_entry(situation).text, *values)


def phrase_book() -> list[tuple[str, list[Phrase]]]:
    """Every phrase grouped by situation, in the order of the regulations."""
    groups: dict[str, list[Phrase]] = {}
    for phrase in Phrase.objects.order_by("order"):
        groups.setdefault(phrase.situation, []).append(phrase)
    return list(groups.items())


# --- One-time notices: the one-time rule (000 §五(三)6) ---------------------------------


def same_citizen(citizen: Citizen) -> Q:
    """The same person: the same identity number; or, when one side has no identity
    number (a phone consultation), the same phone number."""
    if citizen.id_number:
        q = Q(citizen_id_number=citizen.id_number)
        if citizen.phone:
            q |= Q(citizen_id_number="", citizen_phone=citizen.phone)
        return q
    return Q(citizen_phone=citizen.phone)


@dataclass(frozen=True)
class BreachFinding:
    material: MatterMaterial
    reason: str


def breach_findings(
    *, matter: Matter, citizen: Citizen, missing: list[MatterMaterial], before: datetime
) -> tuple[OneTimeNotice | None, list[BreachFinding]]:
    """The one-time rule (000 §五(三)): materials this notice adds although the version
    of the citizen's first notice for the matter already required them. A material that
    a later version added is not a breach; one already told in any earlier notice is
    not "added"."""
    earlier = list(
        OneTimeNotice.objects.standing()
        .filter(matter=matter, issued_at__lt=before)
        .filter(same_citizen(citizen))
        .select_related("version")
        .prefetch_related("items__material")
        .order_by("issued_at", "pk")
    )
    if not earlier:
        return None, []
    first = earlier[0]
    required_then = {m.code: m for m in first.version.materials.all()}
    told = {i.material.code for n in earlier for i in n.items.all() if i.status == ItemStatus.MISSING}
    first_status = {i.material.code: i.status for i in first.items.all()}
    findings = []
    when = clock.local(first.issued_at)
    for material in missing:
        if material.code in required_then and material.code not in told:
            said_of: dict[str, str] = {
                ItemStatus.BROUGHT.value: "首次告知时记为“已提交”",
                ItemStatus.NOT_APPLICABLE.value: "首次告知时记为“不适用”",
            }
            said = said_of.get(first_status.get(material.code, ""), "首次告知时未列入清单")
            findings.append(
                BreachFinding(
                    material,
                    f"首次告知（{first.number}，{when:%Y-%m-%d %H:%M}）"
                    f"所依据的第{first.version.number}版办事指南"
                    f"已列明此材料，{said}",
                )
            )
    return first, findings
