"""Fixed texts and product settings of the queue that are not numbers of a rule set.

The numbers that an administrator may change (green-channel bound, recalls, slot
length, no-show limits, EWMA …) are in the `queue` rule set
(rules/bundled/product-queue.toml), read with `queueing.params.queue_rules`.
"""

from __future__ import annotations

DAY_CLOSE_CLAUSE = "000 §二(二)1(5)"
SELF_SERVICE_HINT = "可在大厅自助服务区的自助设备上查询、打印和办理住房公积金业务（000 §四(二)4(2)）。"

# 001 第二十六条: 因故离岗中断服务，必须摆放“请稍候”指示牌……并引导客户到其他柜面办理业务.
PAUSED_SIGN = "暂停服务"
PAUSED_HINT = "请稍候，或到其他窗口办理"

# What the display says for a call (the wording).
ANNOUNCEMENT = "请 {number} 号到 {window} 号窗口办理"

# --- Security mechanics of the SMS-code step (not business rules) ---------------------
SMS_CODE_LENGTH = 6
SMS_CODE_TTL_SECONDS = 5 * 60
SMS_RESEND_SECONDS = 60  # one code a minute per mobile number
SMS_DAILY_LIMIT_PER_MOBILE = 10
SMS_DAILY_LIMIT_PER_IP = 30
SMS_MAX_ATTEMPTS = 5

# --- Rate limits of public look-ups (per client address) -------------------------------
PUBLIC_LOOKUPS_PER_MINUTE = 30  # a citizen's ticket page polls every 5 s: 12 a minute
BOOKING_LOOKUPS_PER_MINUTE = 10

# --- The display's event stream --------------------------------------------------------
SSE_POLL_SECONDS = 0.25
SSE_HEARTBEAT_SECONDS = 15.0
# A stream ends after this long; EventSource reconnects by itself (Last-Event-ID), so a
# worker is never held for ever and a restarted server is picked up again.
SSE_MAX_SECONDS = 55.0
# Events committed out of id order (PostgreSQL) are still seen: each poll looks back
# this far and skips the ids it already sent.
SSE_LOOKBACK_SECONDS = 3.0
SSE_RETRY_MILLISECONDS = 1000

# How often live pages refresh their numbers (htmx polling), in seconds.
LIVE_REFRESH_SECONDS = 5


# 000 §二(二)1(5), verbatim: said when the phrase table has lost its day_close entry,
# so that a kiosk after 轧账 still answers instead of failing.
DAY_CLOSE_FALLBACK = "对不起，我们已经轧账了，请您使用自助办理好吗？"


def day_close_phrase() -> str:
    """000 §二(二)1(5): what a guide says after 轧账, from the phrase table (catalog,
    situation day_close) so a revised phrase shows on kiosks and in the API."""
    from catalog.selectors import phrase_for
    from documents.phrase_data import Situation

    try:
        return phrase_for(Situation.DAY_CLOSE)
    except LookupError:
        return DAY_CLOSE_FALLBACK
