"""The appraisal's demo data loads through the services, once, after the supervision demo,
and does not contradict itself: what it publishes agrees with the records."""

from __future__ import annotations

from appraisal import selectors, services
from appraisal.demo import load_demo
from appraisal.models import AppraisalQuarter, AppraisalResult, ChangeStatus, PublishedChange
from common import clock
from common.periods import Period
from supervision.demo import load_demo as load_supervision_demo


def test_the_demo_publishes_and_corrects_the_quarter_before_last_and_leaves_the_others_open_once(users):
    load_supervision_demo()
    assert load_demo().startswith("季度考核")
    assert load_demo().endswith("跳过。")
    current = Period.containing("quarter", clock.today())
    published = AppraisalQuarter.objects.get(status="published")
    assert Period.quarter(published.year, published.quarter).end < current.start
    assert AppraisalQuarter.objects.filter(status="open").count() == 2
    assert AppraisalResult.objects.filter(quarter=published).values("grade_code").distinct().count() >= 2
    # The correction story: published, a fine reversed on appeal, flagged, corrected.
    one, two = selectors.publications(published)
    assert one.ended_note == "已由第2次公示替代" and "已冲正" in two.corrects
    assert PublishedChange.objects.get().status == ChangeStatus.RESOLVED
    assert selectors.corrections(published)


def test_what_the_demo_publishes_agrees_with_its_records(users):
    load_supervision_demo()
    load_demo()
    for quarter in AppraisalQuarter.objects.filter(status="published"):
        assert services.publication_check(quarter=quarter) is None
    assert selectors.changed_quarter_keys() == []
