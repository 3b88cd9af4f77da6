"""The checklist as data (000 §一–§四 in the four dimensions of 000 §五(五)4(2)): every
item cites a clause of the regulation, links only to items that exist in the rule sets,
and is loaded by the data migration."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from rules.loader import BUNDLED_DIR
from supervision.checklist import ALL_KINDS, ITEMS, LEADER, NEGATIVE, POSITIVE, sheet_score

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_9837b0505eb92747.txt"


def _params(code: str) -> dict:
    return tomllib.loads((BUNDLED_DIR / f"{code}.toml").read_text(encoding="utf-8"))["params"]


def test_every_item_cites_a_clause_of_000_and_the_codes_are_unique():
    assert len({i.code for i in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert re.match(r"^000 §[一二三四五]", item.clause), item.code
        assert item.deduction > 0
        assert item.dimension in {"image", "discipline", "skills", "environment"}


def test_the_four_dimensions_of_the_regulation_are_all_covered_by_the_negative_list():
    assert {i.dimension for i in NEGATIVE} == {"image", "discipline", "skills", "environment"}
    assert all(i.kinds == ALL_KINDS for i in NEGATIVE)


def test_the_positive_list_is_the_leaders_only():
    assert POSITIVE
    assert all(i.polarity == "positive" and i.kinds == (LEADER,) for i in POSITIVE)


@pytest.mark.parametrize(
    "phrase",
    [
        "佩带工作牌",
        "不迟到早退",
        "不吃零食",
        "人走章收",
        "灭火器、消防栓",
        "十字文明用语",
        "五个一样",
        "暂停服务",
    ],
)
def test_the_checked_norms_are_the_regulations_own(phrase):
    if not SEED.exists():
        pytest.skip(f"{SEED} is not next to the checkout")
    with open(SEED, encoding="utf-8") as handle:
        text = handle.read().replace(" ", "")
    assert phrase in text


def test_fine_and_appraisal_links_point_at_existing_rule_set_items():
    fines = {i["code"]: i for i in _params("xinjian-2018-fines")["items"]}
    appraisal = _params("anqing-staff-appraisal")
    codes = {i["code"] for s in appraisal["sections"] for i in s["items"]}
    for item in ITEMS:
        if item.fine_item:
            assert item.fine_item in fines, item.code
            assert fines[item.fine_item]["offender"] == "staff"
            assert item.subject == "staff"
        if item.appraisal_item:
            assert item.appraisal_item in codes, item.code


def test_the_fire_equipment_validity_of_000_is_checked():
    item = next(i for i in ITEMS if i.clause == "000 §四(三)3")
    assert "有效期" in item.text and item.subject == "window"


@pytest.mark.parametrize(
    ("deductions", "expected"), [([], 100), ([3, 2], 95), ([20, 20, 20, 20, 20, 5], 0), ([100], 0)]
)
def test_the_sheet_is_full_marks_less_the_deductions_never_below_zero(deductions, expected):
    assert sheet_score(100, deductions) == expected


def test_a_negative_deduction_is_refused():
    with pytest.raises(ValueError, match="负数"):
        sheet_score(100, [-1])


def test_the_data_migration_loaded_every_item(db):
    from supervision.models import ChecklistItem

    rows = {r.code: r for r in ChecklistItem.objects.all()}
    assert set(rows) == {i.code for i in ITEMS}
    s04 = rows["S04"]
    assert (s04.deduction, s04.fine_item, s04.appraisal_item, s04.kinds) == (3, "2.2", "C6", list(ALL_KINDS))
