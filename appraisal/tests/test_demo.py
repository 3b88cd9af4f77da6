"""The appraisal's demo data loads through the services, once, after the supervision demo."""

from __future__ import annotations

from appraisal.demo import load_demo
from appraisal.models import AppraisalQuarter, AppraisalResult
from supervision.demo import load_demo as load_supervision_demo


def test_the_demo_publishes_last_quarter_and_opens_this_one_once(users):
    load_supervision_demo()
    assert load_demo().startswith("季度考核")
    assert load_demo().endswith("跳过。")
    assert AppraisalQuarter.objects.filter(status="published").count() == 1
    assert AppraisalQuarter.objects.filter(status="open").count() == 1
    assert AppraisalResult.objects.values("grade_code").distinct().count() >= 2
