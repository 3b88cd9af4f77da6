"""The receivers of the lower apps' completion hooks (connected in ratings/apps.py): a
service finished at a window (queueing fires "ticket_completed") or a case completed
(cases fires "case_completed") gets its rating tokens (一次一评、一事一评, 000 §五(五)4(1))
and, for a withdrawal or a loan, its 12329 callback (004 §五 一) — in the transaction that
finishes it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from ratings.models import RatingToken
from ratings.services.callbacks import callback_create_for_case, callback_create_for_ticket
from ratings.services.tokens import rating_token_mint_for_case, rating_tokens_mint_for_ticket
from rules.selectors import NoRulesInForce

if TYPE_CHECKING:
    from cases.models import Case
    from queueing.models import Ticket

logger = logging.getLogger("ratings.services")


def ticket_completed(*, ticket: Ticket, at: datetime) -> dict[str, RatingToken]:
    """The queue's completion hook (queueing.services.ticket_complete fires it inside its
    transaction): mint the rating tokens and, for withdrawal and loan visits, put a 12329
    callback on the hotline list (004 §五 一)."""
    tokens = rating_tokens_mint_for_ticket(ticket=ticket, at=at)
    try:
        callback_create_for_ticket(actor="system:queue", ticket=ticket, at=at)
    except NoRulesInForce:
        # The hall keeps working; the missing rule set is an administrator's task.
        logger.warning("no hotline_callback rules in force: no 12329 callback for ticket %s", ticket.pk)
    return tokens


def case_completed(*, case: Case, at: datetime | None = None) -> RatingToken:
    """The cases' completion hook (办结, fired in the transaction that completes a case):
    mint the online rating token and create the 12329 callback of a withdrawal or loan case."""
    token = rating_token_mint_for_case(case=case, at=at)
    try:
        callback_create_for_case(actor="system:cases", case=case, at=at)
    except NoRulesInForce:
        logger.warning("no hotline_callback rules in force: no 12329 callback for case %s", case.pk)
    return token
