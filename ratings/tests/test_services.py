"""Ratings of a visit: tokens minted at completion, one rating per service, immutability,
annotation with a second approver and appeal, and the 差评 follow-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from ratings import services
from ratings.models import (
    AnnotationStatus,
    AppealStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
    HotlineCallback,
    ImmutableError,
    Rating,
    RatingChannel,
    RatingToken,
    Verdict,
)
from ratings.tests.conftest import W, at, rater_for, serve, tokens, window


def rate(token: str, level: int, **kwargs) -> Rating:
    return services.rating_submit(actor=rater_for(token), token=token, level=level, **kwargs)


# --- Tokens ------------------------------------------------------------------------------


def test_completing_a_visit_mints_a_counter_and_a_qr_token_bound_to_it(served, settings):
    rows = {t.channel: t for t in RatingToken.objects.filter(ticket=served)}
    assert set(rows) == {RatingChannel.COUNTER, RatingChannel.QR}
    counter, qr = rows[RatingChannel.COUNTER], rows[RatingChannel.QR]
    assert counter.expires_at - served.finished_at == timedelta(seconds=120)
    assert qr.expires_at - served.finished_at == timedelta(days=7)
    assert counter.window_id == served.window_id and counter.branch_id == served.branch_id
    assert counter.token != qr.token and len(counter.token) >= 32


def test_the_token_lifetimes_are_product_settings(settings, clock, teller1):
    settings.RATINGS_EVALUATOR_TIMEOUT_SECONDS = 45
    settings.RATINGS_QR_DAYS = 3
    ticket = serve(teller1, 1)
    rows = {t.channel: t.expires_at - ticket.finished_at for t in RatingToken.objects.filter(ticket=ticket)}
    assert rows == {RatingChannel.COUNTER: timedelta(seconds=45), RatingChannel.QR: timedelta(days=3)}


def test_minting_twice_keeps_the_first_tokens(served):
    before = tokens(served)
    services.rating_tokens_mint_for_ticket(ticket=served, at=served.finished_at)
    assert tokens(served) == before


# --- One rating per service -----------------------------------------------------------------


def test_a_counter_rating_is_tied_to_the_staff_window_branch_and_channel(served, teller1):
    rating = rate(tokens(served)[RatingChannel.COUNTER], 5)
    assert rating.channel == RatingChannel.COUNTER
    assert (rating.staff_id, rating.window_id, rating.branch_id) == (
        teller1.pk,
        served.window_id,
        served.branch_id,
    )
    assert rating.department_id == teller1.department_id
    assert rating.category == served.category and rating.matter is None  # the visit's matter is unknown
    assert rating.service_number == f"HD01-20261123-{served.display_number}"
    assert rating.level_label == "非常满意" and not rating.is_bad
    assert rating.rated_on == date(2026, 11, 23) and rating.rules_ref == "handan-2021-window-score@1"
    assert rating.rater_type == "person"
    assert AuditEvent.objects.filter(action="ratings.rating.create", object_id=str(rating.pk)).exists()


def test_it_refuses_a_second_rating_of_the_same_visit_on_any_channel(served):
    rate(tokens(served)[RatingChannel.COUNTER], 4)
    with pytest.raises(Conflict) as refused:
        rate(tokens(served)[RatingChannel.QR], 1)
    assert refused.value.code == "already_rated" and refused.value.status == 409
    with pytest.raises(Conflict):
        rate(tokens(served)[RatingChannel.COUNTER], 5)
    assert Rating.objects.filter(ticket=served).count() == 1


def test_the_database_refuses_a_second_rating_row_of_a_ticket(served):
    first = rate(tokens(served)[RatingChannel.COUNTER], 4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            **{
                f.attname: getattr(first, f.attname)
                for f in Rating._meta.concrete_fields
                if f.attname not in ("id",)
            }
        )


def test_a_forged_token_is_refused(served):
    with pytest.raises(DomainError) as refused:
        rate("not-a-token-" + "x" * 30, 5)
    assert refused.value.code == "token_invalid" and refused.value.status == 404


def test_an_expired_token_is_refused_and_the_visit_stays_unrated(served, clock):
    clock.advance(seconds=121)
    with pytest.raises(DomainError) as refused:
        rate(tokens(served)[RatingChannel.COUNTER], 5)
    assert refused.value.code == "token_expired" and refused.value.status == 410
    assert not Rating.objects.filter(ticket=served).exists()
    # The QR code still works for days.
    assert rate(tokens(served)[RatingChannel.QR], 3).channel == RatingChannel.QR


def test_the_qr_token_expires_after_the_configured_days(served, clock):
    clock.advance(days=7, seconds=1)
    with pytest.raises(DomainError) as refused:
        rate(tokens(served)[RatingChannel.QR], 5)
    assert refused.value.code == "token_expired"


def test_a_member_of_staff_cannot_rate_on_a_citizens_behalf(served, teller1):
    with pytest.raises(DomainError) as refused:
        services.rating_submit(actor=teller1.user, token=tokens(served)[RatingChannel.COUNTER], level=5)
    assert refused.value.code == "staff_cannot_rate" and refused.value.status == 403


@pytest.mark.parametrize("level", [0, 6, -1, True])
def test_a_level_outside_one_to_five_is_refused(served, level):
    with pytest.raises(DomainError) as refused:
        rate(tokens(served)[RatingChannel.COUNTER], level)
    assert refused.value.code == "invalid_input"


def test_reasons_belong_to_bad_ratings_only(served):
    with pytest.raises(DomainError, match="只有差评"):
        rate(tokens(served)[RatingChannel.COUNTER], 4, reasons=["attitude"])


def test_an_unknown_reason_is_refused(served):
    with pytest.raises(DomainError, match="无效"):
        rate(tokens(served)[RatingChannel.COUNTER], 1, reasons=["rude"])


def test_other_needs_a_comment(served):
    with pytest.raises(DomainError, match="其他"):
        rate(tokens(served)[RatingChannel.COUNTER], 2, reasons=["other"])
    rating = rate(tokens(served)[RatingChannel.COUNTER], 2, reasons=["other"], comment="叫号后等了很久")
    assert rating.reasons == ["other"]


def test_a_wrong_phone_number_is_refused_with_a_message(served):
    with pytest.raises(DomainError, match="联系电话"):
        rate(tokens(served)[RatingChannel.COUNTER], 1, contact_phone="12345")


# --- Immutability ------------------------------------------------------------------------


def test_a_rating_is_never_edited_or_deleted(served):
    rating = rate(tokens(served)[RatingChannel.COUNTER], 5)
    rating.level = 1
    with pytest.raises(ImmutableError):
        rating.save()
    with pytest.raises(ImmutableError):
        rating.delete()
    with pytest.raises(ImmutableError):
        Rating.objects.filter(pk=rating.pk).update(level=1)
    with pytest.raises(ImmutableError):
        Rating.objects.filter(pk=rating.pk).delete()
    assert Rating.objects.get(pk=rating.pk).level == 5


# --- 差评 follow-up --------------------------------------------------------------------------


def test_a_bad_rating_opens_a_follow_up_with_working_day_deadlines(served):
    rating = rate(
        tokens(served)[RatingChannel.COUNTER], 1, reasons=["attitude", "ran_back"], comment="态度生硬"
    )
    follow_up = FollowUp.objects.get(rating=rating)
    assert follow_up.status == FollowUpStatus.OPEN
    # Monday 23 Nov 2026: the day is not counted; 1 working day → Tue 24; 5 → Mon 30.
    assert follow_up.contact_due == date(2026, 11, 24)
    assert follow_up.rectify_due == date(2026, 11, 30)
    assert follow_up.rules_ref == "product-rating-followup@1"
    assert follow_up.problem == "非常不满意、服务态度差、跑回头路（多次跑）：态度生硬"
    assert follow_up.staff_id == rating.staff_id
    assert FollowUpEvent.objects.filter(follow_up=follow_up, action="open").exists()


def test_a_good_rating_opens_no_follow_up(served):
    rate(tokens(served)[RatingChannel.COUNTER], 3)
    assert not FollowUp.objects.exists()


def test_deadlines_over_the_new_year_wait_for_the_calendar(clock, teller1):
    clock.set(10, 0, day=date(2026, 12, 29))  # Tuesday; 5 working days reach into 2027
    ticket = serve(teller1, 1)
    rating = rate(tokens(ticket)[RatingChannel.COUNTER], 2)
    follow_up = rating.follow_up
    assert follow_up.contact_due is None and follow_up.rectify_due is None
    assert follow_up.due_pending_year == 2027
    assert services.follow_ups_fill_deadlines(actor="test") == 0  # still unpublished


def test_a_follow_up_goes_contact_rectify_close(served, office):
    rating = rate(tokens(served)[RatingChannel.COUNTER], 2, reasons=["efficiency"])
    follow_up = rating.follow_up
    services.follow_up_contact(
        actor=office, follow_up=follow_up, method="phone", note="已电话联系，评价人说明等候过久"
    )
    with pytest.raises(DomainError):
        services.follow_up_rectify(
            actor=office,
            follow_up=follow_up,
            verdict=Verdict.UNFOUNDED,
            finding="x",
            rectification="x",
            public_summary="x",
        )
    services.follow_up_rectify(
        actor=office,
        follow_up=follow_up,
        verdict=Verdict.SUBSTANTIATED,
        finding="高峰时段只开一个归集窗口",
        rectification="高峰时段增开2号窗口",
        public_summary="高峰时段增开归集窗口，缩短等候时间",
    )
    closed = services.follow_up_close(actor=office, follow_up=follow_up, satisfaction="satisfied")
    assert closed.status == FollowUpStatus.CLOSED and closed.rectified_at and closed.closed_at
    assert list(closed.events.values_list("action", flat=True)) == ["open", "contact", "rectify", "close"]
    with pytest.raises(Conflict):
        services.follow_up_contact(actor=office, follow_up=closed, method="phone", note="again")


def test_an_unfounded_complaint_is_closed_after_verification(served, office):
    follow_up = rate(tokens(served)[RatingChannel.COUNTER], 1).follow_up
    with pytest.raises(Conflict):  # contact first
        services.follow_up_close_unfounded(actor=office, follow_up=follow_up, finding="x")
    services.follow_up_contact(actor=office, follow_up=follow_up, method="not_possible", note="未留电话")
    closed = services.follow_up_close_unfounded(
        actor=office, follow_up=follow_up, finding="监控显示办理规范、用时4分钟"
    )
    assert (
        closed.status == FollowUpStatus.CLOSED
        and closed.verdict == Verdict.UNFOUNDED
        and not closed.rectified_at
    )


def test_a_refused_step_is_an_invalid_transition_and_each_step_names_the_person(served, office):
    from audit.transitions import InvalidTransition

    follow_up = rate(tokens(served)[RatingChannel.COUNTER], 1).follow_up
    with pytest.raises(InvalidTransition) as refused:
        services.follow_up_close_unfounded(actor=office, follow_up=follow_up, finding="x")
    assert refused.value.code == "invalid_transition" and refused.value.status == 409
    services.follow_up_contact(actor=office, follow_up=follow_up, method="phone", note="已联系")
    step = follow_up.events.get(action="contact")
    assert (step.from_status, step.to_status) == (FollowUpStatus.OPEN, FollowUpStatus.CONTACTED)
    assert step.actor == office and step.actor_label == f"{office.staff.name}（{office.staff.staff_no}）"
    audit = AuditEvent.objects.get(action="ratings.follow_up.contact", object_id=str(follow_up.pk))
    assert audit.changes["status"] == [FollowUpStatus.OPEN, FollowUpStatus.CONTACTED]


def test_a_dissatisfied_close_needs_a_note(served, office):
    follow_up = rate(tokens(served)[RatingChannel.COUNTER], 1).follow_up
    services.follow_up_contact(actor=office, follow_up=follow_up, method="phone", note="n")
    services.follow_up_rectify(
        actor=office,
        follow_up=follow_up,
        verdict="partly",
        finding="f",
        rectification="r",
        public_summary="p",
    )
    with pytest.raises(DomainError, match="回访说明"):
        services.follow_up_close(actor=office, follow_up=follow_up, satisfaction="dissatisfied")


# --- Annotation and appeal ------------------------------------------------------------------


@pytest.fixture
def bad_rating(served) -> Rating:
    return rate(tokens(served)[RatingChannel.COUNTER], 1, reasons=["attitude"])


def test_an_annotation_needs_evidence_and_a_second_person(bad_rating, office, office2):
    with pytest.raises(DomainError, match="证据"):
        services.rating_annotation_propose(
            actor=office, rating=bad_rating, kind="malicious", reason="r", evidence=" "
        )
    annotation = services.rating_annotation_propose(
        actor=office,
        rating=bad_rating,
        kind="malicious",
        reason="同一人连续恶意差评",
        evidence="监控 10:02–10:06",
    )
    assert annotation.status == AnnotationStatus.PROPOSED
    with pytest.raises(DomainError) as same:
        services.rating_annotation_decide(actor=office, annotation=annotation, approve=True)
    assert same.value.code == "same_person"
    approved = services.rating_annotation_decide(
        actor=office2, annotation=annotation, approve=True, note="证据充分"
    )
    assert approved.status == AnnotationStatus.APPROVED and approved.decided_by == office2
    assert Rating.objects.counted().filter(pk=bad_rating.pk).count() == 0
    assert Rating.objects.filter(pk=bad_rating.pk).exists()  # kept, with its reason


def test_only_the_office_or_a_leader_may_annotate(bad_rating, make_user):
    with pytest.raises(PermissionDenied):
        services.rating_annotation_propose(
            actor=make_user("head"), rating=bad_rating, kind="mistaken", reason="r", evidence="e"
        )


def test_one_open_annotation_per_rating(bad_rating, office, leader):
    services.rating_annotation_propose(
        actor=office, rating=bad_rating, kind="mistaken", reason="r", evidence="e"
    )
    with pytest.raises(Conflict):
        services.rating_annotation_propose(
            actor=leader, rating=bad_rating, kind="malicious", reason="r", evidence="e"
        )


def test_a_rejected_annotation_leaves_the_rating_counted(bad_rating, office, leader):
    annotation = services.rating_annotation_propose(
        actor=office, rating=bad_rating, kind="mistaken", reason="r", evidence="e"
    )
    with pytest.raises(DomainError, match="复核意见"):
        services.rating_annotation_decide(actor=leader, annotation=annotation, approve=False)
    services.rating_annotation_decide(actor=leader, annotation=annotation, approve=False, note="证据不足")
    assert Rating.objects.counted().filter(pk=bad_rating.pk).exists()


def test_the_citizen_appeals_and_a_third_person_restores_the_rating(bad_rating, office, office2, leader):
    annotation = services.rating_annotation_propose(
        actor=office, rating=bad_rating, kind="mistaken", reason="误触", evidence="评价人电话说明"
    )
    with pytest.raises(Conflict):  # nothing to appeal yet
        services.rating_appeal_submit(actor="citizen", annotation=annotation, statement="s", via="评价页面")
    services.rating_annotation_decide(actor=office2, annotation=annotation, approve=True)
    appeal = services.rating_appeal_submit(
        actor="citizen", annotation=annotation, statement="我没有误触，就是不满意", via="评价页面"
    )
    with pytest.raises(Conflict):
        services.rating_appeal_submit(
            actor="citizen", annotation=annotation, statement="again", via="评价页面"
        )
    for involved in (office, office2):
        with pytest.raises(DomainError) as refused:
            services.rating_appeal_decide(actor=involved, appeal=appeal, grant=True, note="n")
        assert refused.value.code == "same_person"
    decided = services.rating_appeal_decide(actor=leader, appeal=appeal, grant=True, note="评价人本人确认")
    assert decided.status == AppealStatus.GRANTED
    annotation.refresh_from_db()
    assert annotation.status == AnnotationStatus.REVOKED
    assert Rating.objects.counted().filter(pk=bad_rating.pk).exists()
    assert list(annotation.events.values_list("action", flat=True)) == ["propose", "approve", "revoke"]


# --- 12329 callbacks at completion --------------------------------------------------------


def test_a_completed_withdrawal_visit_goes_on_the_hotline_list(clock, teller2):
    ticket = serve(teller2, 3, W)
    callback = HotlineCallback.objects.get(ticket=ticket)
    assert callback.category == W and callback.status == "pending" and callback.staff_id == teller2.pk
    assert callback.service_on == date(2026, 11, 23) and callback.rules_ref == "yiyang-hotline-callback@1"
    assert callback.phone == ""  # a walk-in: the operator enters it from the core system


def test_a_collection_visit_gets_no_callback(served):
    assert not HotlineCallback.objects.filter(ticket=served).exists()


def test_an_appointment_brings_its_mobile_to_the_callback(clock, teller2, hd01):
    from queueing import services as queue
    from queueing.models import Appointment, Queue

    queue_row = Queue.objects.get(branch=hd01, category=W)
    appointment = Appointment.objects.create(
        branch=hd01,
        queue=queue_row,
        category=W,
        service_date=clock.moment.date(),
        slot_start=at(9, 0).time(),
        slot_end=at(9, 30).time(),
        name="张三",
        id_number="110101199003077777",
        mobile="13812345678",
        code="12345678",
        created_at=clock.moment - timedelta(days=1),
    )
    ticket = queue.ticket_check_in(actor="kiosk:test", appointment=appointment)
    the_window = window(hd01, 3)
    queue.ticket_call_next(actor=teller2.user, staff=teller2, window=the_window)
    queue.ticket_complete(actor=teller2.user, staff=teller2, window=the_window)
    callback = HotlineCallback.objects.get(ticket=ticket)
    assert callback.phone == "13812345678" and callback.citizen_name == "张三"


def test_postgresql_itself_refuses_to_change_or_delete_a_rating(served):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the refusing trigger is installed on PostgreSQL (migration 0002)")
    rating = rate(tokens(served)[RatingChannel.COUNTER], 5)
    for sql in (
        "UPDATE ratings_rating SET level = 1 WHERE id = %s",
        "DELETE FROM ratings_rating WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [rating.pk])
    assert Rating.objects.get(pk=rating.pk).level == 5
