"""The seeded guide (issue #3 "Done when": the seeded limits of 000 §五(二)3 matter by
matter) and the search a citizen uses to find a matter."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from catalog.models import HandlingType, Matter, MatterStatus, MatterVersion
from catalog.seed import MATTERS
from catalog.selectors import matters_search, version_in_force
from documents.fonts import missing_glyphs
from org.models import Category

pytestmark = pytest.mark.django_db


def current(code: str) -> MatterVersion:
    version = version_in_force(Matter.objects.get(code=code))
    assert version is not None
    return version


def test_the_migration_seeds_at_least_80_matters_in_every_category():
    assert Matter.objects.count() >= 80
    counts = {c: Matter.objects.filter(category=c).count() for c in Category.values}
    assert counts["collection"] >= 20 and counts["withdrawal"] >= 20 and counts["loan"] >= 20
    assert sum(counts.values()) == Matter.objects.count()


# 000 §五(二)3, item by item: (clause, what the clause names, matter code, fragment of its name, days).
NAMED_BY_000 = [
    ("(1) 即办", "单位缴存登记", "GJ001", "单位住房公积金缴存登记", 0),
    ("(1) 即办", "个人账户设立", "GJ002", "个人账户设立", 0),
    ("(1) 即办", "自愿缴存人缴存登记和账户设立", "GJ003", "自愿缴存人住房公积金缴存登记和账户设立", 0),
    ("(1) 即办", "业务协议签订", "GJ004", "业务协议签订", 0),
    ("(1) 即办", "住房公积金汇缴", "GJ005", "住房公积金汇缴", 0),
    ("(1) 即办", "住房公积金补缴", "GJ006", "住房公积金补缴", 0),
    ("(1) 即办", "个人合户", "GJ007", "个人合户", 0),
    ("(1) 即办", "单位基本资料变更", "GJ008", "单位基本资料变更", 0),
    ("(1) 即办", "个人信息变更", "GJ009", "个人信息变更", 0),
    ("(1) 即办", "缴存比例变更", "GJ010", "缴存比例变更", 0),
    ("(3)① 1个工作日", "购买普通商品房贷款的受理", "DK001", "购买普通商品房个人住房公积金贷款 — 受理", 1),
    ("(3)① 1个工作日", "购买普通商品房贷款的面签", "DK002", "购买普通商品房个人住房公积金贷款 — 面签", 1),
    ("(3)① 1个工作日", "购买普通商品房贷款的初审", "DK003", "购买普通商品房个人住房公积金贷款 — 初审", 1),
    ("(3)① 1个工作日", "购买普通商品房贷款的复审", "DK004", "购买普通商品房个人住房公积金贷款 — 复审", 1),
    ("(3)① 1个工作日", "购买二手房贷款的受理", "DK006", "购买二手房个人住房公积金贷款 — 受理", 1),
    ("(3)① 1个工作日", "购买二手房贷款的面签", "DK007", "购买二手房个人住房公积金贷款 — 面签", 1),
    ("(3)① 1个工作日", "购买二手房贷款的初审", "DK008", "购买二手房个人住房公积金贷款 — 初审", 1),
    ("(3)① 1个工作日", "购买二手房贷款的复审", "DK009", "购买二手房个人住房公积金贷款 — 复审", 1),
    ("(3)② 即办", "提前结清住房公积金贷款", "DK011", "提前结清住房公积金贷款", 0),
    ("(3)② 即办", "变更个人贷款合同扣款账号", "DK012", "变更个人贷款合同扣款账号", 0),
    ("(3)② 即办", "提前还贷款本金", "DK013", "提前偿还住房公积金贷款本金", 0),
]


@pytest.mark.parametrize(("clause", "named", "code", "name", "days"), NAMED_BY_000)
def test_each_matter_000_names_has_exactly_the_limit_000_gives_it(clause, named, code, name, days):
    v = current(code)
    assert name in v.name, named
    assert v.promised_days == days
    assert v.limit_basis.startswith("000 §五(二)3"), v.limit_basis
    assert (v.handling_type == HandlingType.IMMEDIATE) == (days == 0)
    assert v.promised_label == ("即办" if days == 0 else "1个工作日")


@pytest.mark.parametrize(
    ("code", "name"), [("GJ014", "同城转移"), ("GJ015", "异地转移"), ("GJ016", "异地转移")]
)
def test_transfers_are_not_immediate(code, name):
    """000 §五(二)3(1): 不即办的业务有：同城转移、异地转移。"""
    v = current(code)
    assert name in v.name
    assert v.promised_days >= 1
    assert v.handling_type != HandlingType.IMMEDIATE
    assert "不即办" in v.limit_basis


def test_every_withdrawal_matter_is_immediate():
    """000 §五(二)3(2): 提取业务时限均为即办。"""
    withdrawals = Matter.objects.filter(category=Category.WITHDRAWAL)
    assert withdrawals.count() >= 20
    for matter in withdrawals:
        v = current(matter.code)
        assert v.promised_days == 0, matter.code
        assert v.handling_type == HandlingType.IMMEDIATE, matter.code
        assert v.limit_basis.startswith("000 §五(二)3(2)"), matter.code
        assert v.statutory_days == 3 and "第二十五条" in v.statutory_basis


def test_the_timed_loan_steps_are_grouped_in_their_order():
    for group, codes in (
        ("购买普通商品房个人住房公积金贷款", "DK001 DK002 DK003 DK004"),
        ("购买二手房个人住房公积金贷款", "DK006 DK007 DK008 DK009"),
    ):
        matters = [Matter.objects.get(code=c) for c in codes.split()]
        assert [m.group for m in matters] == [group] * 4
        assert [m.stage_order for m in matters] == [1, 2, 3, 4]


def test_every_seeded_matter_is_consistent():
    for seed in MATTERS:
        v = current(seed.code)
        assert (v.promised_days == 0) == (v.handling_type == HandlingType.IMMEDIATE), seed.code
        assert v.legal_basis and v.conditions and v.procedure and v.place and v.hours and v.fee_note
        assert v.complaint_phone == "12329"
        names = [m.name for m in v.materials.all()]
        assert len(names) == len(set(names)), seed.code
        for m in v.materials.all():
            assert m.code.startswith(seed.code + "-M")
            assert m.source
            if m.requirement == "conditional":
                assert m.condition, (seed.code, m.name)


def test_every_character_of_the_guide_prints_in_the_embedded_font():
    texts = []
    for v in MatterVersion.objects.prefetch_related("materials"):
        texts += [
            v.name,
            v.summary,
            v.legal_basis,
            v.conditions,
            v.result,
            v.limit_basis,
            v.statutory_basis,
            v.fee_note,
            v.place,
            v.hours,
            v.online_note,
            v.joint_parties,
            v.notes,
            *v.procedure,
        ]
        for m in v.materials.all():
            texts += [m.name, m.condition, m.source, m.standard]
    assert missing_glyphs("".join(texts)) == set()


def test_the_seed_command_is_idempotent():
    before = MatterVersion.objects.count()
    call_command("seed_catalog")
    assert MatterVersion.objects.count() == before


def test_the_seed_command_recreates_a_flushed_catalogue():
    from catalog.models import MatterEvent, MatterMaterial

    MatterMaterial.objects.all().delete()
    MatterVersion.objects.all().delete()
    MatterEvent.objects.all().delete()
    Matter.objects.all().delete()
    call_command("seed_catalog")
    assert Matter.objects.count() == len(MATTERS)


# --- Search ------------------------------------------------------------------------------


def codes(q: str, **kw) -> list[str]:
    return [h.version.matter.code for h in matters_search(q, **kw)]


def test_typing_gou_fang_finds_the_purchase_withdrawal_first():
    """Done when: 找到 "公积金提取 — 购买自住住房" by typing 购房."""
    hits = matters_search("购房")
    assert hits[0].version.matter.code == "TQ001"
    assert "公积金提取 — 购买自住住房" in hits[0].version.name
    assert "DK001" in codes("购房")  # loans for buying a home are found too, after


def test_partial_words_match_names_keywords_and_material_names():
    assert "TQ014" in codes("退休")
    assert "GJ007" in codes("合户")
    assert "TQ001" in codes("契税")  # a material name (购房发票或契税完税凭证)
    assert codes("租") and all(c.startswith(("TQ", "DK", "GJ", "QT")) for c in codes("租"))


def test_every_term_must_match():
    assert codes("提取 退休") == ["TQ014"]
    assert codes("退休 贷款") == []


def test_an_exact_name_ranks_first():
    hits = matters_search("住房公积金汇缴")
    assert hits[0].version.matter.code == "GJ005" and hits[0].rank == 0


def test_search_filters_by_category_and_service_object():
    assert set(codes("", category="loan")) == set(
        Matter.objects.filter(category="loan").values_list("code", flat=True)
    )
    assert all(c.startswith("GJ") or c.startswith("QT") for c in codes("", service_object="employer"))


def test_a_withdrawn_matter_is_not_found_but_a_suspended_one_is():
    Matter.objects.filter(code="TQ012").update(status=MatterStatus.WITHDRAWN)
    Matter.objects.filter(code="TQ013").update(status=MatterStatus.SUSPENDED)
    found = codes("租")
    assert "TQ012" not in found and "TQ013" in found
    assert "TQ012" in [h.version.matter.code for h in matters_search("租", include_withdrawn=True)]
