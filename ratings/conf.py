"""Product settings of the ratings app (Django settings, all optional).

These are not numbers of a regulation — the regulations ask for an evaluator at the
counter and a QR code to rate later, but give no time limits — so they are product
settings, not rule-set fields (the lead's decision):

* `RATINGS_QR_DAYS` (7): days after completion during which the slip's QR code (and a
  case's online link) can rate the service.
* `RATINGS_EVALUATOR_TIMEOUT_SECONDS` (120): how long the counter evaluator asks;
  unanswered → the service stays unrated (never a default good rating).
* `RATINGS_PUSH_BACKEND` (`ratings.push.OutboxBackend`): the class that delivers exports to
  the provincial 好差评 platform.
* `RATINGS_OUTBOX_DIR` (`VAR_DIR/outbox/haochaping`): the folder of the default backend.
* `RATINGS_SURVEY_KEY` (`SECRET_KEY`): the key of the survey raters' hash; set it to keep
  the one-response rule across a SECRET_KEY rotation.
* `RATINGS_PUBLIC_LOOKUPS_PER_MINUTE` (20): rate limit of the public rating pages and of
  POST /api/v1/ratings per client address (a bound counter tablet is not limited).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def qr_days() -> int:
    return int(getattr(settings, "RATINGS_QR_DAYS", 7))


def evaluator_timeout_seconds() -> int:
    return int(getattr(settings, "RATINGS_EVALUATOR_TIMEOUT_SECONDS", 120))


def push_backend_path() -> str:
    return str(getattr(settings, "RATINGS_PUSH_BACKEND", "ratings.push.OutboxBackend"))


def outbox_dir() -> Path:
    configured = getattr(settings, "RATINGS_OUTBOX_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "outbox" / "haochaping"


def survey_key() -> str:
    return str(getattr(settings, "RATINGS_SURVEY_KEY", "") or settings.SECRET_KEY)


def public_lookups_per_minute() -> int:
    return int(getattr(settings, "RATINGS_PUBLIC_LOOKUPS_PER_MINUTE", 20))
