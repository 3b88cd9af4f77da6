"""The standard phrases (000 §二(二), 001 第九条, 003 服务承诺制度 §八) as data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import Phrase
from catalog.selectors import phrase_entry, phrase_for, phrases_for
from documents.phrase_data import PHRASES, Situation, fill, placeholders

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def test_the_day_close_phrase_is_the_regulations_own():
    assert phrase_for(Situation.DAY_CLOSE) == "对不起，我们已经轧账了，请您使用自助办理好吗？"
    entry = phrase_entry(Situation.DAY_CLOSE)
    assert entry.clause == "000 §二(二)1(5)"
    assert entry.get_audience_display() == "引导员"


def test_the_incomplete_materials_phrase_is_filled_in_place_of_xx():
    assert phrase_for(Situation.INCOMPLETE_MATERIALS, "《购房合同》") == (
        "抱歉，您提交的资料缺少《购房合同》，我现在把补办的清单给您，请您完善后再来办理"
    )
    assert (
        phrase_for(Situation.REQUEST_MATERIALS, "购房提取") == "根据购房提取业务，请您一次性提交相关业务资料"
    )
    assert fill("办理情况会在X个工作日内及时通知您", "3") == "办理情况会在3个工作日内及时通知您"
    assert fill("请到xx部门找xxx办理xx手续。", "提取处", "王科长") == "请到提取处部门找王科长办理xx手续。"


def test_the_handan_phrase_comes_first_and_the_others_follow():
    texts = [p.clause.split()[0] for p in phrases_for(Situation.INCOMPLETE_MATERIALS)]
    assert texts == ["000", "001", "003"]


def test_the_twenty_one_phrases_of_001_are_all_there():
    clauses = {p.clause for p in PHRASES if p.clause.startswith("001 第九条(")}
    numerals = [
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
        "十三",
        "十四",
        "十五",
        "十六",
        "十七",
        "十八",
        "十九",
        "二十",
        "二十一",
    ]
    assert clauses == {f"001 第九条({n})" for n in numerals}


def test_every_phrase_of_000_for_guides_and_tellers_is_there():
    clauses = {p.clause for p in PHRASES if p.clause.startswith("000 §二(二)")}
    assert {f"000 §二(二)1({i})" for i in range(1, 6)} <= clauses
    assert {f"000 §二(二)2({i})" for i in range(1, 7)} <= clauses


def test_the_migration_loaded_every_phrase_in_order():
    assert Phrase.objects.count() == len(PHRASES)
    assert list(Phrase.objects.order_by("order").values_list("text", flat=True)) == [p.text for p in PHRASES]


def test_an_unknown_situation_is_refused():
    with pytest.raises(LookupError):
        phrase_for("no_such_situation")


def _normalise(text: str) -> str:
    table = str.maketrans({",": "，", "?": "？", "(": "（", ")": "）", ":": "：", ";": "；", "!": "！"})
    return re.sub(r"\s+", "", text.translate(table)).replace("“", '"').replace("”", '"').replace('"', "")


@pytest.mark.skipif(
    not SEEDS.exists(), reason="the regulations (../shared/seeds) are not next to the checkout"
)
def test_every_phrase_is_verbatim_in_its_regulation():
    sources = {
        name[:3]: _normalise(path.read_text("utf-8")) for path in SEEDS.glob("*.txt") for name in [path.name]
    }
    for row in PHRASES:
        text = _normalise(row.text)
        assert text in sources[row.document], f"{row.clause}: {row.text}"


def test_placeholders_are_found_as_the_regulations_write_them():
    assert placeholders("根据**业务，请您一次性提交相关业务资料") == ["**"]
    assert placeholders("请到xx部门找xxx办理xx手续。") == ["xx", "xxx", "xx"]
    assert placeholders("对不起，您这件事因为不符某某规定不能给您办理") == ["某某"]
