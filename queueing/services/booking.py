"""Online booking (网络预约排队, 000 §四(二)3(1)) in two steps: the citizen's draft is
checked against every booking rule of the product-queue rule set and a code is texted to
the mobile number (`appointment_code_request`); the code makes the booking from the
stored draft (`appointment_book`), with the slot's capacity checked again under a lock
on the queue so the last place of a slot goes to exactly one person.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from audit.services import audit_record
from common import clock
from common.errors import Conflict, DomainError
from common.identity import mask_id, mask_phone, validate_mobile, validate_resident_id
from common.sms import send_sms
from org.models import Branch
from queueing import selectors
from queueing.constants import (
    SMS_CODE_LENGTH,
    SMS_CODE_TTL_SECONDS,
    SMS_DAILY_LIMIT_PER_IP,
    SMS_DAILY_LIMIT_PER_MOBILE,
    SMS_MAX_ATTEMPTS,
    SMS_RESEND_SECONDS,
)
from queueing.models import (
    ACTIVE_APPOINTMENT,
    Appointment,
    AppointmentAction,
    BookingChallenge,
    Queue,
)
from queueing.params import queue_rules
from queueing.retry import retry_on_conflict
from queueing.services._common import record_event
from queueing.services.appointments import appointments_mark_no_shows
from rules.schemas import QueueParams

# Digits only: typed on the kiosk's keypad and read over the phone (10⁸ codes; look-ups
# are rate-limited and cancelling also needs the identity number).
BOOKING_CODE_ALPHABET = "0123456789"
# The actor of the public booking pages and API.
PUBLIC_BOOKING = "public:booking"


def _clean_person(name: str, id_number: str, mobile: str, *, today: date) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not (2 <= len(name) <= 30):
        raise DomainError("请填写预约人姓名（2–30个字）。", code="invalid_input", field="name")
    try:
        id_number = validate_resident_id(id_number, today=today)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_input", field="id_number") from None
    try:
        mobile = validate_mobile(mobile)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_input", field="mobile") from None
    return name, id_number, mobile


def _check_bookable(
    *,
    queue: Queue,
    day: date,
    slot_start: str,
    id_number: str,
    now: datetime,
    params: QueueParams,
) -> tuple[Any, ...]:
    """Every booking rule of product-queue, with a message a citizen can act on."""
    today = clock.local(now).date()
    refusal = selectors.date_refusal(queue, day, today=today, params=params)
    if refusal is not None:
        code = "not_bookable" if not queue.bookable or not queue.is_active else "date_not_bookable"
        raise DomainError(refusal, code=code)
    slots = {s["start"]: s for s in selectors.slot_availability(queue, day, params=params, now=now)}
    slot = slots.get(slot_start)
    if slot is None:
        raise DomainError("请选择一个有效的预约时段。", code="invalid_input", field="slot")
    if slot["state"] != "open":
        reasons = {
            "past": f"{slot['label']} 时段已开始，请选择其他时段。",
            "full": f"{slot['label']} 时段已约满，请选择其他时段。",
            "day_full": f"{day:%m月%d日}的“{queue.name}”预约名额已满，请选择其他日期或现场取号。",
        }
        raise Conflict(reasons[slot["state"]], code="slot_full")
    blocked = selectors.appointment_block_until(id_number, today=today, params=params)
    if blocked is not None:
        raise DomainError(
            f"您最近 {params.appointment_no_show_period_days} 天内预约后未到"
            f"已达 {params.appointment_no_show_limit} 次，"
            f"{blocked:%Y年%m月%d日}前不能网上预约；您仍可到大厅现场取号。",
            code="booking_blocked",
            status=403,
        )
    active = Appointment.objects.filter(id_number=id_number, service_date=day, status__in=ACTIVE_APPOINTMENT)
    if active.filter(category=queue.category).exists():
        raise Conflict(
            f"您已预约 {day:%m月%d日} 的“{queue.name}”业务，同一业务每天只能预约一次。", code="already_booked"
        )
    if active.count() >= params.max_bookings_per_person_per_day:
        raise Conflict(
            f"同一天最多预约 {params.max_bookings_per_person_per_day} 项业务，您当天的预约已满。",
            code="person_daily_cap",
        )
    return slot["slot"].start, slot["slot"].end


def _booking_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(8))


def _sms_code_hash(mobile: str, code: str) -> str:
    return salted_hmac("queueing.booking-code", f"{mobile}:{code}").hexdigest()


@retry_on_conflict
def appointment_code_request(
    *,
    branch: Branch,
    category: str,
    service_date: date,
    slot_start: str,
    name: str,
    id_number: str,
    mobile: str,
    client_ip: str | None,
) -> BookingChallenge:
    """Step 1 of a booking: check everything, keep the draft, text a code to the mobile
    number through the SMS backend (common.sms). At most one code a minute and ten a
    day per number, thirty a day per client address."""
    now = clock.now()
    today = clock.local(now).date()
    name, id_number, mobile = _clean_person(name, id_number, mobile, today=today)
    params = queue_rules(today).params
    queue = selectors.queue_for(branch, category)
    appointments_mark_no_shows(actor="booking", id_number=id_number)
    _check_bookable(
        queue=queue, day=service_date, slot_start=slot_start, id_number=id_number, now=now, params=params
    )
    start_of_day = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    recent = BookingChallenge.objects.filter(mobile=mobile, created_at__gte=start_of_day)
    last = recent.order_by("-created_at").first()
    if last is not None and (now - last.created_at).total_seconds() < SMS_RESEND_SECONDS:
        wait = SMS_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise DomainError(f"验证码已发送，请 {wait} 秒后再获取。", code="too_many_requests", status=429)
    if recent.count() >= SMS_DAILY_LIMIT_PER_MOBILE:
        raise DomainError(
            "该手机号今天获取验证码的次数已达上限，请明天再试。", code="too_many_requests", status=429
        )
    if client_ip and (
        BookingChallenge.objects.filter(client_ip=client_ip, created_at__gte=start_of_day).count()
        >= SMS_DAILY_LIMIT_PER_IP
    ):
        raise DomainError(
            "本设备今天获取验证码的次数已达上限，请明天再试。", code="too_many_requests", status=429
        )
    code = "".join(secrets.choice("0123456789") for _ in range(SMS_CODE_LENGTH))
    draft = {
        "branch": branch.code,
        "category": category,
        "date": service_date.isoformat(),
        "slot": slot_start,
        "name": name,
    }
    with transaction.atomic():
        challenge = BookingChallenge.objects.create(
            mobile=mobile,
            id_number=id_number,
            draft=draft,
            code_hash=_sms_code_hash(mobile, code),
            created_at=now,
            expires_at=now + timedelta(seconds=SMS_CODE_TTL_SECONDS),
            client_ip=client_ip,
        )
        audit_record(
            actor=PUBLIC_BOOKING,
            action="queueing.booking.code_sent",
            obj=challenge,
            summary=f"预约验证码发送至 {mask_phone(mobile)}"
            f"（{branch.name} {queue.name} {service_date:%m-%d} {slot_start}）",
        )
        text = (
            f"您正在预约{branch.name}“{queue.name}”业务（{service_date:%m月%d日} {slot_start}），"
            f"验证码 {code}，{SMS_CODE_TTL_SECONDS // 60}分钟内有效。如非本人操作，请忽略。"
        )
        transaction.on_commit(lambda: send_sms(to=mobile, text=text, purpose="booking_code"))
    return challenge


@retry_on_conflict
def appointment_book(*, challenge_id: int, code: str) -> Appointment:
    """Step 2: the code from the text message makes the booking from the stored draft.
    Capacity is checked again under a lock on the queue, so the last place of a slot
    goes to exactly one person."""
    now = clock.now()
    code = (code or "").strip()
    with transaction.atomic():
        challenge = BookingChallenge.objects.select_for_update().filter(pk=challenge_id).first()
        if challenge is None or challenge.used_at is not None:
            raise DomainError("验证码已失效，请重新获取。", code="code_invalid")
        if now > challenge.expires_at:
            raise DomainError("验证码已过期，请重新获取。", code="code_expired")
        if challenge.attempts >= SMS_MAX_ATTEMPTS:
            raise DomainError("验证码输错次数过多，请重新获取。", code="code_invalid")
        ok = constant_time_compare(challenge.code_hash, _sms_code_hash(challenge.mobile, code))
        if not ok:
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
    if not ok:
        left = SMS_MAX_ATTEMPTS - challenge.attempts
        raise DomainError(
            f"验证码不正确，还可以再试 {left} 次。" if left > 0 else "验证码输错次数过多，请重新获取。",
            code="code_invalid",
        )
    draft = challenge.draft
    branch = selectors.branch_by_code(draft["branch"])
    day = date.fromisoformat(draft["date"])
    params = queue_rules(clock.local(now).date()).params
    with transaction.atomic():
        challenge = BookingChallenge.objects.select_for_update().get(pk=challenge_id)
        if challenge.used_at is not None:
            raise DomainError("验证码已使用，请勿重复提交。", code="code_invalid")
        queue = (
            Queue.objects.select_for_update()
            .select_related("branch")
            .get(branch=branch, category=draft["category"])
        )
        slot_start, slot_end = _check_bookable(
            queue=queue,
            day=day,
            slot_start=draft["slot"],
            id_number=challenge.id_number,
            now=now,
            params=params,
        )
        appointment = None
        for _ in range(5):
            booking_code = _booking_code()
            if not Appointment.objects.filter(code=booking_code).exists():
                appointment = Appointment(
                    branch=branch,
                    queue=queue,
                    category=queue.category,
                    service_date=day,
                    slot_start=slot_start,
                    slot_end=slot_end,
                    name=draft["name"],
                    id_number=challenge.id_number,
                    mobile=challenge.mobile,
                    code=booking_code,
                    created_at=now,
                )
                break
        if appointment is None:  # pragma: no cover — 10⁸ codes
            raise Conflict("预约码生成冲突，请重试。")
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise Conflict(
                f"您已预约 {day:%m月%d日} 的“{queue.name}”业务，同一业务每天只能预约一次。",
                code="already_booked",
            ) from None
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        record_event(appointment, actor=PUBLIC_BOOKING, at=now, from_status="", action=AppointmentAction.BOOK)
        audit_record(
            actor=PUBLIC_BOOKING,
            action="queueing.appointment.book",
            obj=appointment,
            summary=f"网上预约 {appointment.code}：{branch.name} {queue.name} {day:%Y-%m-%d} "
            f"{slot_start:%H:%M}，{mask_id(challenge.id_number)}",
        )
        text = (
            f"您已预约{branch.name}“{queue.name}”业务，{day:%m月%d日} {slot_start:%H:%M}–{slot_end:%H:%M}，"
            f"预约码 {appointment.code}。请于时段开始前{params.checkin_before_minutes}分钟内到取号机签到。"
        )
        mobile = challenge.mobile
        transaction.on_commit(lambda: send_sms(to=mobile, text=text, purpose="booking_confirmation"))
        return appointment
