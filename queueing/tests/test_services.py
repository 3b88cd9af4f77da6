"""The queue's services: taking, calling, recall, no-show, transfer, pause, day close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from org.models import Branch, Staff
from queueing import selectors, services
from queueing.models import (
    BoardEvent,
    Queue,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketStatus,
    WindowAction,
    WindowEvent,
    WindowState,
    WindowStatus,
)
from queueing.tests.conftest import C, L, W, at, window

# 000 §二(二)1(5), verbatim.
DAY_CLOSE_PHRASE = "对不起，我们已经轧账了，请您使用自助办理好吗？"


def take(branch: Branch, category: str = C, **kwargs) -> Ticket:
    return services.ticket_take(actor="kiosk:test", branch=branch, category=category, **kwargs)


def call(staff: Staff, number: int) -> Ticket | None:
    return services.ticket_call_next(actor=staff.user, staff=staff, window=window(staff.branch, number))


@pytest.fixture
def teller1(hd01) -> Staff:
    return Staff.objects.select_related("branch", "user").get(user__username="teller1")  # 归集, HD01


@pytest.fixture
def universal(hd01, teller) -> Staff:
    return teller(hd01, universal=True)


# --- Taking a ticket -------------------------------------------------------------------


def test_numbers_are_per_queue_per_day_with_the_queue_letter(hd01, clock):
    assert [take(hd01, C).display_number for _ in range(3)] == ["A001", "A002", "A003"]
    assert take(hd01, W).display_number == "B001"
    assert take(hd01, L).display_number == "C001"
    clock.set(9, 0, day=clock.moment.date() + timedelta(days=1))
    assert take(hd01, C).display_number == "A001"  # reset daily


def test_every_branch_has_its_own_numbers(hd01, wa01, clock):
    assert take(hd01, C).display_number == take(wa01, C).display_number == "A001"


def test_a_letter_changed_by_the_administrator_is_used(hd01, clock):
    Queue.objects.filter(branch=hd01, category=W).update(letter="T")
    assert take(hd01, W).display_number == "T001"


def test_taking_a_ticket_writes_an_event_and_an_audit_record(hd01, clock):
    ticket = take(hd01, C, priority="elderly")
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.action, event.from_status, event.to_status, event.actor_label) == (
        TicketAction.TAKE,
        "",
        TicketStatus.WAITING,
        "kiosk:test",
    )
    audit = AuditEvent.objects.get(action="queueing.ticket.take", object_id=str(ticket.pk))
    assert "绿色通道：老年人" in audit.summary


def test_after_the_day_close_the_kiosk_refuses_with_the_standard_phrase(hd01, clock):
    clock.set(16, 59)
    take(hd01, C)
    clock.set(17, 0)  # demo branches close the day at 17:00
    with pytest.raises(Conflict) as refused:
        take(hd01, C)
    assert refused.value.status == 409 and refused.value.code == "day_closed"
    assert refused.value.message == DAY_CLOSE_PHRASE == "对不起，我们已经轧账了，请您使用自助办理好吗？"
    assert "自助" in refused.value.extra["self_service"]
    assert Ticket.objects.count() == 1


def test_tickets_taken_before_the_day_close_are_still_served(hd01, clock, teller1):
    clock.set(16, 58)
    ticket = take(hd01, C)
    clock.set(17, 10)
    assert call(teller1, 1).pk == ticket.pk
    assert (
        services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1)).status == TicketStatus.DONE
    )


def test_an_unknown_priority_or_category_is_refused_with_a_message(hd01, clock):
    with pytest.raises(DomainError, match="绿色通道类别无效"):
        take(hd01, C, priority="vip")
    with pytest.raises(DomainError, match="不办理"):
        take(hd01, "mortgage")


# --- Calling ---------------------------------------------------------------------------


def test_a_window_calls_first_come_first_served_and_then_answers_none(hd01, clock, teller1):
    first, second = take(hd01, C), take(hd01, C)
    take(hd01, W)  # not served at window 1
    assert call(teller1, 1).pk == first.pk
    services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1))
    assert call(teller1, 1).pk == second.pk
    services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1))
    assert call(teller1, 1) is None


def test_the_first_call_signs_the_teller_in_and_another_teller_gets_409(hd01, clock, teller1, teller):
    take(hd01, C)
    call(teller1, 1)
    state = WindowState.objects.get(window=window(hd01, 1))
    assert (state.status, state.staff_id) == (WindowStatus.OPEN, teller1.pk)
    assert WindowEvent.objects.filter(action=WindowAction.SIGN_IN, staff=teller1).count() == 1
    other = teller(hd01, [C])
    with pytest.raises(Conflict) as held:
        call(other, 1)
    assert held.value.code == "window_held" and "胡晓明" in held.value.message


def test_a_teller_holds_one_window_at_a_time(hd01, clock, teller1):
    call(teller1, 1)
    with pytest.raises(Conflict, match="您已在 1 号窗口签到"):
        call(teller1, 2)


def test_a_teller_cannot_sign_in_where_the_window_serves_nothing_they_may_serve(hd01, clock, teller1):
    with pytest.raises(DomainError) as refused:
        call(teller1, 3)  # 提取 window, 归集 teller
    assert refused.value.status == 403 and refused.value.code == "not_qualified"


def test_a_teller_of_another_branch_cannot_sign_in(hd01, wa01, clock, teller):
    stranger = teller(wa01, universal=True)
    with pytest.raises(DomainError) as refused:
        services.ticket_call_next(actor="t", staff=stranger, window=window(hd01, 8))
    assert refused.value.status == 403


def test_a_window_serves_its_categories_that_the_teller_may_serve(hd01, clock, teller):
    loan_only = teller(hd01, [L])  # at window 8 (all categories) a loan teller calls loans only
    take(hd01, C)
    loan = take(hd01, L)
    assert call(loan_only, 8).pk == loan.pk


def test_a_second_call_while_one_is_active_is_refused(hd01, clock, teller1):
    take(hd01, C), take(hd01, C)
    first = call(teller1, 1)
    with pytest.raises(Conflict) as active:
        call(teller1, 1)
    assert active.value.code == "call_active" and first.display_number in active.value.message


def test_a_call_writes_the_event_the_display_reads(hd01, clock, teller1):
    ticket = take(hd01, C)
    call(teller1, 1)
    board = BoardEvent.objects.filter(kind="call").get()
    assert board.text == f"请 {ticket.display_number} 号到 1 号窗口办理"
    event = TicketEvent.objects.get(ticket=ticket, action=TicketAction.CALL)
    assert (event.from_status, event.to_status, event.window_id, event.staff_id) == (
        TicketStatus.WAITING,
        TicketStatus.CALLED,
        window(hd01, 1).pk,
        teller1.pk,
    )


def test_tickets_of_yesterday_are_not_called_today(hd01, clock, teller1):
    take(hd01, C)
    clock.set(9, 0, day=clock.moment.date() + timedelta(days=1))
    assert call(teller1, 1) is None


# --- Green channel ---------------------------------------------------------------------


def test_a_green_channel_window_calls_priority_tickets_first(hd01, clock, universal):
    ordinary = take(hd01, C)
    clock.advance(minutes=1)
    elderly = take(hd01, W, priority="elderly")
    assert call(universal, 8).pk == elderly.pk
    services.ticket_complete(actor="t", staff=universal, window=window(hd01, 8))
    assert call(universal, 8).pk == ordinary.pk


def test_an_ordinary_window_does_not_let_priority_tickets_jump_the_line(hd01, clock, teller1):
    ordinary = take(hd01, C)
    clock.advance(minutes=1)
    take(hd01, C, priority="military")
    assert call(teller1, 1).pk == ordinary.pk


def test_an_ordinary_ticket_is_not_passed_over_beyond_the_rule_set_bound(hd01, clock, universal):
    # product-queue: green_channel_max_passed_over_minutes = 15
    ordinary = take(hd01, C)
    clock.advance(minutes=1)
    priority = [take(hd01, C, priority="pregnant") for _ in range(3)]
    clock.advance(minutes=13)  # ordinary has waited 14 minutes: still passed over
    assert call(universal, 8).pk == priority[0].pk
    services.ticket_complete(actor="t", staff=universal, window=window(hd01, 8))
    clock.advance(minutes=1, seconds=1)  # 15 minutes and a second
    assert call(universal, 8).pk == ordinary.pk
    services.ticket_complete(actor="t", staff=universal, window=window(hd01, 8))
    assert call(universal, 8).pk == priority[1].pk


# --- Recall, no-show, reactivation -------------------------------------------------------


def test_no_show_is_possible_only_after_the_configured_recalls(hd01, clock, teller1):
    ticket = take(hd01, C)
    call(teller1, 1)
    w1 = window(hd01, 1)
    with pytest.raises(Conflict, match="还需 2 次"):
        services.ticket_no_show(actor="t", staff=teller1, window=w1)
    services.ticket_recall(actor="t", staff=teller1, window=w1)
    services.ticket_recall(actor="t", staff=teller1, window=w1)
    assert BoardEvent.objects.filter(kind="recall").count() == 2
    assert services.ticket_no_show(actor="t", staff=teller1, window=w1).status == TicketStatus.NO_SHOW
    assert selectors.active_ticket(w1) is None
    assert [e.action for e in ticket.events.all()] == ["take", "call", "recall", "recall", "no_show"]


def test_a_no_show_ticket_can_be_reactivated_within_the_grace_period(hd01, clock, teller1):
    early = take(hd01, C)
    clock.advance(minutes=1)
    later = take(hd01, C)
    call(teller1, 1)
    w1 = window(hd01, 1)
    for _ in range(2):
        services.ticket_recall(actor="t", staff=teller1, window=w1)
    services.ticket_no_show(actor="t", staff=teller1, window=w1)
    clock.advance(minutes=29)
    back = services.ticket_reactivate(actor="guide", ticket=early)
    assert back.status == TicketStatus.WAITING and back.window_id is None
    # It kept its arrival time: it is ahead of the later ticket again.
    assert selectors.people_ahead(back) == 0 and selectors.people_ahead(later) == 1


def test_reactivation_after_the_grace_period_is_refused(hd01, clock, teller1):
    ticket = take(hd01, C)
    call(teller1, 1)
    w1 = window(hd01, 1)
    for _ in range(2):
        services.ticket_recall(actor="t", staff=teller1, window=w1)
    services.ticket_no_show(actor="t", staff=teller1, window=w1)
    clock.advance(minutes=31)
    with pytest.raises(Conflict, match="请重新取号"):
        services.ticket_reactivate(actor="guide", ticket=ticket)


def test_recall_of_a_ticket_being_served_is_refused(hd01, clock, teller1):
    take(hd01, C)
    call(teller1, 1)
    services.ticket_start(actor="t", staff=teller1, window=window(hd01, 1))
    with pytest.raises(Conflict, match="办理中"):
        services.ticket_recall(actor="t", staff=teller1, window=window(hd01, 1))


# --- Transfer (多窗联办) -----------------------------------------------------------------


def test_a_transferred_ticket_goes_to_the_front_of_the_target_queue(hd01, clock, teller1, teller):
    loan_waiting = [take(hd01, L) for _ in range(3)]
    clock.advance(minutes=5)
    mine = take(hd01, C)
    call(teller1, 1)
    moved = services.ticket_transfer(
        actor="t", staff=teller1, window=window(hd01, 1), category=L, note="贷款资料"
    )
    assert (moved.status, moved.category, moved.display_number) == (
        TicketStatus.TRANSFERRED,
        L,
        mine.display_number,
    )
    assert selectors.people_ahead(moved) == 0
    assert selectors.people_ahead(Ticket.objects.get(pk=loan_waiting[0].pk)) == 1
    loan_teller = teller(hd01, [L])
    assert call(loan_teller, 6).pk == mine.pk
    assert TicketEvent.objects.get(ticket=mine, action="transfer").note == "转至“贷款”队列：贷款资料"


def test_a_ticket_transferred_to_a_window_is_called_there_first_and_nowhere_else(
    hd01, clock, teller1, teller
):
    take(hd01, C)
    mine = take(hd01, C)
    other_collection = teller(hd01, [C])
    call(teller1, 1)  # calls `waiting`
    services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1))
    call(teller1, 1)  # calls `mine`
    services.ticket_transfer(actor="t", staff=teller1, window=window(hd01, 1), target_window=window(hd01, 2))
    third = take(hd01, C)
    # Window 1 does not take it back; window 2 calls it before the older walk-in.
    assert call(teller1, 1).pk == third.pk
    assert call(other_collection, 2).pk == mine.pk


def test_a_transfer_to_a_window_that_does_not_serve_the_category_is_refused(hd01, clock, teller1):
    take(hd01, C)
    call(teller1, 1)
    with pytest.raises(DomainError, match="3 号窗口不办理"):
        services.ticket_transfer(
            actor="t", staff=teller1, window=window(hd01, 1), target_window=window(hd01, 3)
        )


# --- Pause, resume, sign-out ---------------------------------------------------------------


def test_a_paused_window_does_not_call_and_resumes(hd01, clock, teller1):
    take(hd01, C)
    services.window_sign_in(actor="t", staff=teller1, window=window(hd01, 1))
    services.window_pause(actor="t", staff=teller1, window=window(hd01, 1), reason="away")
    event = BoardEvent.objects.filter(kind="window").latest("pk")
    assert event.payload == {"status": "paused", "reason": "临时离柜"}
    with pytest.raises(Conflict, match="暂停服务"):
        call(teller1, 1)
    services.window_resume(actor="t", staff=teller1, window=window(hd01, 1))
    assert call(teller1, 1) is not None
    actions = list(WindowEvent.objects.filter(window=window(hd01, 1)).values_list("action", "reason"))
    assert actions == [("sign_in", ""), ("pause", "away"), ("resume", "")]


def test_pausing_with_a_called_ticket_is_refused(hd01, clock, teller1):
    take(hd01, C)
    call(teller1, 1)
    with pytest.raises(Conflict, match="请先办结或转移"):
        services.window_pause(actor="t", staff=teller1, window=window(hd01, 1), reason="away")


def test_pause_for_another_reason_needs_a_note(hd01, clock, teller1):
    services.window_sign_in(actor="t", staff=teller1, window=window(hd01, 1))
    with pytest.raises(DomainError, match="请填写说明"):
        services.window_pause(actor="t", staff=teller1, window=window(hd01, 1), reason="other")


def test_signing_out_frees_the_window_for_another_teller(hd01, clock, teller1, teller):
    services.window_sign_in(actor="t", staff=teller1, window=window(hd01, 1))
    services.window_sign_out(actor="t", staff=teller1, window=window(hd01, 1))
    other = teller(hd01, [C])
    assert services.window_sign_in(actor="t", staff=other, window=window(hd01, 1)).staff_id == other.pk
    out = WindowEvent.objects.get(action=WindowAction.SIGN_OUT)
    assert out.staff_id == teller1.pk and out.to_status == WindowStatus.CLOSED


def test_a_forced_sign_out_puts_the_called_ticket_back_at_the_front(hd01, clock, teller1, teller):
    ticket = take(hd01, C)
    take(hd01, C)
    call(teller1, 1)
    services.window_release(actor="head", window=window(hd01, 1), note="柜员外出未签退")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.TRANSFERRED
    other = teller(hd01, [C])
    assert call(other, 2).pk == ticket.pk


def test_actions_at_a_window_the_teller_does_not_hold_are_refused(hd01, clock, teller1, teller):
    take(hd01, C)
    call(teller1, 1)
    other = teller(hd01, [C])
    with pytest.raises(Conflict, match="没有在 1 号窗口签到"):
        services.ticket_complete(actor="t", staff=other, window=window(hd01, 1))


# --- Day end -------------------------------------------------------------------------------


def test_the_day_end_job_cleans_up_tickets_and_windows_of_past_days(hd01, clock, teller1):
    take(hd01, C)
    called = take(hd01, C)
    take(hd01, C)
    call(teller1, 1)  # calls `waiting`
    services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1))
    call(teller1, 1)  # calls `called`
    clock.set(8, 0, day=clock.moment.date() + timedelta(days=1))
    result = services.queue_day_end(actor="queue_day_end")
    assert (
        result["tickets_cancelled"] == 1 and result["tickets_no_show"] == 1 and result["windows_closed"] == 1
    )
    assert Ticket.objects.get(pk=called.pk).status == TicketStatus.NO_SHOW
    assert WindowState.objects.get(window=window(hd01, 1)).status == WindowStatus.CLOSED


def test_the_clock_fixture_runs_in_shanghai_time(clock):
    assert clock() == at(9, 0)


def test_a_refused_transition_names_the_states_in_chinese(hd01, clock, teller1):
    ticket = take(hd01, C)
    services.ticket_cancel(actor="guide", ticket=ticket)
    with pytest.raises(Conflict, match="已取消，不能取消"):
        services.ticket_cancel(actor="guide", ticket=ticket)
    take(hd01, C)
    call(teller1, 1)
    services.ticket_start(actor="t", staff=teller1, window=window(hd01, 1))
    with pytest.raises(Conflict, match="已在办理中"):
        services.ticket_start(actor="t", staff=teller1, window=window(hd01, 1))
    services.window_sign_in(actor="t", staff=teller1, window=window(hd01, 1))  # already held: no-op
    with pytest.raises(Conflict, match="正在服务中，不需要恢复"):
        services.window_resume(actor="t", staff=teller1, window=window(hd01, 1))
