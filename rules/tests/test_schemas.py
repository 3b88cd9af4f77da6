"""The param schemas refuse inconsistent rule sets with a message naming the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from rules.loader import BundleError, parse_bundled, read_bundled
from rules.validation import RuleParamsInvalid, validate_params


@pytest.fixture
def params():
    return {item.code: item.params for item in read_bundled()}


def _broken(params, code, mutate):
    data = copy.deepcopy(params[code])
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("code", "mutate", "message"),
    [
        ("handan-2021-window-score", lambda p: p.update(supervision_weight=30), "应等于 total（100）"),
        ("handan-2021-window-score", lambda p: p["levels"].pop(), "必须恰好包含评价等级 1–5"),
        (
            "handan-2021-window-score",
            lambda p: p["inspections"][0].update(weight=12),
            "inspections.weight 之和（22）",
        ),
        ("handan-2021-window-score", lambda p: p["levels"][0].update(bad=True), "levels.bad"),
        ("handan-2021-window-score", lambda p: p["levels"][0].update(points=-5), "不减少"),
        ("handan-2021-complaint", lambda p: p["classes"][1].update(warn_working_days=5), "应小于"),
        ("handan-2021-complaint", lambda p: p["classes"].pop(), "major、general、invalid"),
        ("anqing-staff-appraisal", lambda p: p["sections"][0].update(base=25), "sections.base 之和（95）"),
        (
            "anqing-staff-appraisal",
            lambda p: p["peer_review"]["bands"][1].update(lower_percent=70),
            "从高到低",
        ),
        ("anqing-staff-appraisal", lambda p: p["peer_review"]["bands"].pop(), "0%（含）"),
        ("anqing-staff-appraisal", lambda p: p["grades"][3].update(min_score=0), "兜底档"),
        ("anqing-staff-appraisal", lambda p: p["bonuses"][0].update(code="A1"), "“A1”重复"),
        ("anqing-staff-appraisal", lambda p: p["sections"][1]["items"][4].update(day_kind=None), "day_kind"),
        ("xinjian-2018-fines", lambda p: p["items"][0].update(amount_yuan=None), "至少要有一项"),
        ("xinjian-2018-fines", lambda p: p["repeat_report"].update(threshold=1), "应不小于 2"),
        ("anqing-2019-complaint-penalty", lambda p: p["ladder"]["steps"].pop(0), "nth 必须依次为"),
        ("yiyang-hotline-callback", lambda p: p["dimensions"][0].update(weight=60), "weight 之和应为 100"),
        ("yiyang-hotline-callback", lambda p: p["levels"][0].update(weight=70), "非常满意 ≥ 满意"),
        ("product-rating-followup", lambda p: p.update(contact_working_days=6), "先联系，后整改"),
        ("product-rating-followup", lambda p: p.update(contact_working_days=True), "应为整数"),
    ],
)
def test_it_refuses_inconsistent_params_in_chinese(params, code, mutate, message):
    kind = next(item.kind for item in read_bundled() if item.code == code)
    with pytest.raises(RuleParamsInvalid, match="规则参数无效") as exc:
        validate_params(kind, _broken(params, code, mutate))
    assert message in exc.value.message


def test_an_unknown_kind_is_refused():
    with pytest.raises(RuleParamsInvalid, match="未知的规则集类别"):
        validate_params("parking", {})


def test_a_bundled_file_must_be_named_after_its_code_and_carry_interpretations(tmp_path: Path):
    source = next(item for item in read_bundled() if item.code == "product-rating-followup").path
    wrong_name = tmp_path / "renamed.toml"
    wrong_name.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BundleError, match="文件名应为"):
        parse_bundled(wrong_name)
    no_interpretations = tmp_path / source.name
    no_interpretations.write_text(
        source.read_text(encoding="utf-8").split("[[interpretations]]")[0], encoding="utf-8"
    )
    with pytest.raises(BundleError, match="缺少键"):
        parse_bundled(no_interpretations)


def test_two_bundled_files_of_one_kind_cannot_both_be_in_force(tmp_path: Path):
    for item in read_bundled():
        if item.kind == "complaint_penalty":
            text = item.path.read_text(encoding="utf-8")
            if item.effective_from is None:
                text = text.replace('note = "', 'effective_from = 2021-07-21\nnote = "', 1)
            (tmp_path / item.path.name).write_text(text, encoding="utf-8")
    with pytest.raises(BundleError, match="备选规则集不写生效日期"):
        read_bundled(tmp_path)
