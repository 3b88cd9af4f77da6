"""The bundled rule sets load, validate, and say what the regulations say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.loader import BUNDLED_DIR, read_bundled
from rules.models import RuleKind, RuleSet
from rules.schemas import SCHEMAS
from rules.selectors import NoRulesInForce, rules_in_force

HANDAN = date(2021, 7, 21)
TODAY_ISH = date(2026, 1, 5)


def test_every_bundled_file_loads_and_validates():
    bundle = read_bundled()
    assert len(bundle) == len(list(BUNDLED_DIR.glob("*.toml"))) == 11
    assert all(item.interpretations for item in bundle)
    for item in bundle:
        assert item.params == SCHEMAS[item.kind].model_validate(item.params).model_dump(mode="json")


def test_every_kind_has_a_schema_and_a_bundled_default():
    assert set(SCHEMAS) == set(RuleKind.values)
    adopted = {item.kind: item.code for item in read_bundled() if item.effective_from is not None}
    assert set(adopted) == set(RuleKind.values)
    assert all(item.effective_from in (None, HANDAN) for item in read_bundled())


def test_the_only_alternative_is_the_complaint_ladder_of_002_part_1():
    alternatives = [item.code for item in read_bundled() if item.effective_from is None]
    assert alternatives == ["anqing-2019-complaint-penalty"]


@pytest.mark.django_db
def test_the_migration_loaded_every_bundled_file_as_version_one():
    stored = {row.code: row for row in RuleSet.objects.all()}
    for item in read_bundled():
        row = stored[item.code]
        assert (row.version, row.kind, row.effective_from) == (1, item.kind, item.effective_from)
        assert item.same_content(row)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", RuleKind.values)
def test_every_kind_is_in_force_from_the_date_of_the_handan_rules_and_not_before(kind):
    assert rules_in_force(kind, HANDAN).rule_set.version == 1
    assert rules_in_force(kind, TODAY_ISH).rule_set.effective_from == HANDAN
    with pytest.raises(NoRulesInForce, match="没有生效的"):
        rules_in_force(kind, date(2021, 7, 20))


@pytest.fixture
def bundle():
    return {item.code: SCHEMAS[item.kind].model_validate(item.params) for item in read_bundled()}


def test_window_score_numbers_are_those_of_000_5_5(bundle):
    p = bundle["handan-2021-window-score"]
    # §五(五)2: 总分100分 = 办事职工评价80分 + 监督检查20分
    assert (p.total, p.citizen_weight, p.supervision_weight) == (100, 80, 20)
    # §五(五)4(1): 非常满意 +1, 不满意 −2, 非常不满意 −4; 后两个等级为差评
    assert p.points == {5: 1, 4: 0, 3: 0, 2: -2, 1: -4}
    assert p.bad_levels == {1, 2}
    assert [lv.label for lv in sorted(p.levels, key=lambda lv: -lv.level)] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    # §五(五)4(2): 日常检查10分，突击检查5分，上级领导检查5分；每年至少两次
    assert {i.code: i.weight for i in p.inspections} == {"daily": 10, "surprise": 5, "leader": 5}
    assert p.min_inspections_per_year == 2
    assert p.uninspected_counts_full_weight
    assert p.uninspected_flag == "未检查"


@pytest.mark.parametrize(
    ("counts", "score"),
    [
        ({5: 10}, Decimal("80.00")),
        ({4: 3, 3: 7}, Decimal("64.00")),
        ({1: 2}, Decimal("0.00")),
        ({5: 1, 2: 1}, Decimal("56.00")),  # r = −0.5 → 80 × 3.5 ÷ 5
        ({5: 2, 4: 1}, Decimal("74.67")),  # r = 2/3 → 74.666… rounded half up
        ({}, None),
    ],
)
def test_the_citizen_score_is_80_times_mean_points_plus_4_over_5(bundle, counts, score):
    assert bundle["handan-2021-window-score"].citizen_score(counts) == score


def test_complaint_numbers_are_those_of_000_5_4(bundle):
    p = bundle["handan-2021-complaint"]
    general, major, invalid = (p.complaint_class(c) for c in ("general", "major", "invalid"))
    # §五(四)7: 一般投诉能当场解决的及时解决，否则3-5个工作日内答复；重大投诉10个工作日
    assert (general.settle_on_the_spot, general.warn_working_days, general.reply_working_days) == (True, 3, 5)
    assert major.reply_working_days == 10
    # §五(四)9: 重大投诉和一般投诉经核实才处理 → 有效投诉
    assert p.valid_classes == {"major", "general"}
    assert not invalid.valid
    assert len(major.criteria) == 3
    assert [s.label for s in p.sanctions] == ["批评教育", "书面检查", "通报", "警告", "记过", "记大过"]
    assert [s.administrative for s in p.sanctions] == [False, False, False, True, True, True]
    assert len(p.scope) == 4  # §五(四)5 (1)–(4)
    assert p.start_day_counted is False


def test_case_time_limit_numbers_are_those_of_000_5_2_and_002_part_5(bundle):
    p = bundle["handan-2021-case-time-limit"]
    # §五(二)2: 次日起算；补全材料次日起算；交接登记当日起算；即办当日
    assert (p.receipt_start_offset_days, p.supplement_start_offset_days, p.handover_start_offset_days) == (
        1,
        1,
        0,
    )
    assert p.immediate_due_offset_days == 0
    assert p.due_soon_working_days == 1  # our choice, stated as such
    # 002 篇5 §三4: 超过15天未批复的，要向中心作出解释
    assert (p.escalated_explain_after_days, p.escalated_day_unit) == (15, "calendar")
    assert [c.code for c in p.overdue_conditions] == [
        "late",
        "no_reply",
        "late_extension",
        "result_not_delivered",
    ]


def test_first_inquiry_ladder_is_that_of_003_10(bundle):
    p = bundle["handan-2021-first-inquiry"]
    ladder = p.violation_ladder
    assert ladder.step_for(1).consequences == ["批评教育"]
    assert ladder.step_for(2).consequences == ["效能告诫", "责令重新参加相关业务的培训学习"]
    assert ladder.step_for(3).consequences == ["调离工作岗位"]
    assert ladder.step_for(7) == ladder.step_for(3)
    assert ladder.period == "year"
    assert p.handover_contact_working_days == 1


def test_staff_appraisal_numbers_are_those_of_002_part_2(bundle):
    p = bundle["anqing-staff-appraisal"]
    assert [(s.code, s.name, s.base, s.floor) for s in p.sections] == [
        ("A", "文明服务、思想品德", 30, 0),
        ("B", "业务技能", 40, 0),
        ("C", "劳动纪律", 30, 0),
    ]
    deductions = {i.code: i.points for s in p.sections for i in s.items}
    assert deductions == {
        "A1": 5,
        "A2": 2,
        "A3": 5,
        "A4": 5,
        "A4-1": 3,
        "A5": 10,
        "A6": 2,
        "A7": 1,
        "A8": 3,
        "B1": 2,
        "B2": 3,
        "B3": 3,
        "B4": 3,
        "B5": 3,
        "B6": 3,
        "B7": 2,
        "B8": 2,
        "C1": 5,
        "C2": 5,
        "C3": 2,
        "C4": 1,
        "C5": 2,
        "C6": 1,
    }
    assert {i.code for s in p.sections for i in s.items if i.unit == "day"} == {"B5", "B7", "C1"}
    assert p.item("A4-1").requires == "A4"
    assert p.item("C5").both_parties
    assert {b.code: b.points for b in p.bonuses} == {
        "D1": 2,
        "D2-1": 5,
        "D2-2": 10,
        "D2-3": 20,
        "D3": 5,
        "D4-1": 2,
        "D4-2": 5,
        "D4-3": 10,
        "D4-4": 20,
        "D5-1": 2,
        "D5-2": 2,
        "D6-1": 2,
        "D6-2": 5,
    }
    assert [(g.label, g.min_score, g.top_n) for g in p.grades] == [
        ("优秀", 90, 2),
        ("称职", 70, None),
        ("基本称职", 60, None),
        ("不称职", None, None),
    ]
    assert p.valid_complaint_veto_periods == ["quarter", "year"]
    assert p.return_to_unit_after_consecutive_incompetent == 2


@pytest.mark.parametrize(
    ("score", "rank", "complaint", "grade"),
    [
        (90, 1, False, "优秀"),  # "90分以上" includes 90
        (90, 2, False, "优秀"),
        (95, 3, False, "称职"),  # not among the top 2
        (98, 1, True, "称职"),  # one-vote veto
        (89, 1, False, "称职"),
        (70, 1, False, "称职"),
        (69, 1, False, "基本称职"),
        (60, 1, False, "基本称职"),  # "60-69分" wins over "60分以下"
        (59, 1, False, "不称职"),
        (Decimal("59.75"), None, False, "不称职"),
    ],
)
def test_grades_follow_the_stated_reading_of_the_boundaries(bundle, score, rank, complaint, grade):
    assert (
        bundle["anqing-staff-appraisal"].grade_for(score, rank=rank, valid_complaint=complaint).label == grade
    )


@pytest.mark.parametrize(
    ("good", "total", "deduction"),
    [
        (6, 10, 0),  # 达60%
        (119, 200, 2),  # 59.5% has not reached 60%
        (31, 100, 2),
        (61, 200, 2),  # 30.5%
        (3, 10, 4),  # 30% is "30%以下"
        (0, 5, 4),
        (0, 0, 0),  # no peer reviews, no deduction
    ],
)
def test_peer_review_bands_of_002_part_2_c7(bundle, good, total, deduction):
    assert bundle["anqing-staff-appraisal"].peer_review.deduction(good, total) == deduction


def test_fines_numbers_are_those_of_002_part_4(bundle):
    p = bundle["xinjian-2018-fines"]
    amounts = {i.code: i.amount_yuan for i in p.items}
    assert amounts == {
        "1": 10,
        "2.1": 30,
        "2.2": 10,
        "3": 10,
        "4": 30,
        "5": None,
        "6": 10,
        "7": None,
        "8": 10,
        "9": 10,
        "10": 5,
    }
    assert {i.code for i in p.items if i.monthly_report} == {"2.1", "2.2", "3", "6", "8", "9"}
    assert p.item("5").consequences[0] == "扣除当事人当月绩效奖"
    assert p.item("5").report_immediately
    assert p.item("7").consequences == ["扣除当月绩效奖"]
    assert p.item("10").offender == "security"
    assert (p.repeat_report.threshold, p.repeat_report.period) == (3, "month")  # 一月内三次以上
    assert [r.label for r in p.patrol.rounds] == ["上午巡查", "下午巡查"]


def test_complaint_penalties_are_30_yuan_each_or_the_ladder_of_002_part_1(bundle):
    flat = bundle["xinjian-2018-complaint-penalty"].ladder
    assert [flat.step_for(n).amount_yuan for n in (1, 2, 5)] == [30, 30, 30]
    ladder = bundle["anqing-2019-complaint-penalty"].ladder
    assert ladder.step_for(1).amount_yuan == 100
    assert ladder.step_for(2).consequences == ["待岗一周", "不享受当月奖金", "扣除半年奖金"]
    assert ladder.step_for(3).consequences == ["公司有权解除合同"]


def test_hotline_callback_has_three_levels_scored_100_80_0(bundle):
    p = bundle["yiyang-hotline-callback"]
    assert [(lv.label, lv.weight) for lv in p.levels] == [("非常满意", 100), ("满意", 80), ("不满意", 0)]
    assert p.categories == ["withdrawal", "loan"]
    assert p.score({"very_satisfied": 1, "satisfied": 2, "dissatisfied": 1}) == Decimal("65.00")
    assert p.score({}) is None
    assert [s.period for s in p.surveys] == ["month", "month"]


def test_rating_followup_defaults_are_1_and_5_working_days(bundle):
    p = bundle["product-rating-followup"]
    assert (p.contact_working_days, p.rectify_working_days) == (1, 5)


def test_queue_defaults_are_product_settings_that_keep_ordinary_tickets_from_starving(bundle):
    p = bundle["product-queue"]
    # 000 §二(三)3 gives priority to 老幼病残军 without a number: the bound is a product setting.
    assert p.green_channel_max_passed_over_minutes == 15
    assert (p.recalls_before_no_show, p.no_show_grace_minutes) == (2, 30)
    # A late arrival must be able to fall inside one slot (else it would never be "late").
    assert p.checkin_after_minutes < p.slot_minutes
    assert (p.slot_minutes, p.slot_capacity, p.daily_booking_cap) == (30, 4, 40)
    assert (p.appointment_no_show_limit, p.appointment_no_show_period_days, p.appointment_block_days) == (
        3,
        90,
        30,
    )
