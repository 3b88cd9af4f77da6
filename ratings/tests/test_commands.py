"""The scheduled commands: ratings_sweep (deadlines waiting for the calendar, overdue
follow-ups) and ratings_push (the outbox)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ratings import services
from ratings.models import FollowUp, PushBatch, RatingChannel
from ratings.tests.conftest import rater_for, serve, tokens


def run(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_the_sweep_lists_overdue_follow_ups(clock, served):
    token = tokens(served)[RatingChannel.COUNTER]
    services.rating_submit(actor=rater_for(token), token=token, level=1)
    assert "逾期差评回访 0 条" in run("ratings_sweep")
    clock.set(9, 0, day=date(2026, 11, 25))
    output = run("ratings_sweep")
    assert "逾期差评回访 1 条" in output and "联系期限 2026-11-24" in output


def test_the_sweep_computes_deadlines_once_the_next_year_is_published(clock, teller1, make_user):
    from workdays.services import year_publish

    clock.set(10, 0, day=date(2026, 12, 29))
    token = tokens(serve(teller1, 1))[RatingChannel.COUNTER]
    rating = services.rating_submit(actor=rater_for(token), token=token, level=2)
    assert rating.follow_up.due_pending_year == 2027
    assert "补算期限 0 条" in run("ratings_sweep")
    year_publish(
        actor=make_user("admin"),
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        notice_text="一、元旦：1月1日放假。",
        holidays=[("元旦", date(2027, 1, 1), date(2027, 1, 1))],
        makeup_workdays=[],
    )
    assert "补算期限 1 条" in run("ratings_sweep")
    follow_up = FollowUp.objects.get()
    # Tue 29 Dec 2026: 1 working day → Wed 30 Dec; 5 → Wed 30, Thu 31, Mon 4, Tue 5, Wed 6 Jan 2027
    assert (follow_up.contact_due, follow_up.rectify_due) == (date(2026, 12, 30), date(2027, 1, 6))
    assert follow_up.due_pending_year is None
    assert follow_up.events.filter(action="deadlines").exists()


def test_the_push_command_writes_the_outbox_and_pushes_each_rating_once(clock, served, settings, tmp_path):
    settings.RATINGS_OUTBOX_DIR = str(tmp_path)
    services.rating_submit(actor=None, token=tokens(served)[RatingChannel.QR], level=4)
    assert "已推送 1 条" in run("ratings_push")
    document = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert document["count"] == 1 and document["ratings"][0]["level"] == 4
    assert "已推送 0 条" in run("ratings_push")


def test_a_failing_push_is_a_command_error(clock, served, settings):
    settings.RATINGS_PUSH_BACKEND = "ratings.push.FailingBackend"
    services.rating_submit(actor=None, token=tokens(served)[RatingChannel.QR], level=4)
    with pytest.raises(CommandError, match="推送失败"):
        run("ratings_push")
    assert PushBatch.objects.get().status == "failed"
