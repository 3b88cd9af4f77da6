"""The refusals of rating by token (一次一评、一事一评, 000 §五(五)4(1)): a forged or mistyped
token (404), an expired one (410) and a service already rated (409). The API and the
public pages turn them into their status and message."""

from __future__ import annotations

from common.errors import Conflict, DomainError

ALREADY_RATED_MESSAGE = "本次服务已经评价过了，一次服务只能评价一次。感谢您的评价！"


class AlreadyRated(Conflict):
    code = "already_rated"


class TokenExpired(DomainError):
    code = "token_expired"
    status = 410


class TokenInvalid(DomainError):
    code = "token_invalid"
    status = 404
