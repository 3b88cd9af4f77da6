"""好差评: ratings of a service visit (or a case) by the citizen, their annotation and
appeal, 差评 follow-up and rectification, 12329 callbacks and internal surveys.

The clauses this app serves:

* 000 §四(二)2(1) 工作岗位牌 and 2(4) 评价系统：业务办理结束后，可接受服务对象对服务质量的评价，
  同时实现对评价结果的统计 — the counter evaluator and the statistics.
* 000 §五(五)4(1) 职工评价（80分）— the counter evaluator, the QR code and app/web rating
  afterwards; the five levels, 差评 = the last two; +1 / −2 / −4; the score.
* 004 §五 一 12329 callbacks on every withdrawal and loan; 二 monthly survey of the
  departments by branch staff; 三 managers rate the leadership.
* National practice (一次一评、一事一评; every 差评 is followed up and rectified; results
  and rectifications are made public; nobody rates on a citizen's behalf).

Guarantees held by the database, not only the code: one rating per service visit
(`rating_one_per_ticket`) and per case; a rating row is never updated or deleted
(`Rating.save`/`delete`, the queryset, and on PostgreSQL a trigger, migration 0002);
one open annotation per rating; one survey response per rater, target and month.

The models live in one module per sub-domain; every name is importable from here:

* `choices` — the choices of every table;
* `base` — immutable rows, the labels of the event rows' actions;
* `ratings` — RatingToken, Rating;
* `annotations` — RatingAnnotation, RatingAppeal and their events;
* `callbacks` — HotlineCallback (12329) and its events;
* `follow_ups` — FollowUp (差评整改) and its events;
* `surveys` — SurveyRound, SurveyTarget, SurveyResponse and the rounds' events;
* `push` — PushBatch, PushItem (the provincial platform).

Every stateful table declares TRANSITIONS and INITIAL; every event table is a
common.events.StatusEvent with an `action` and a foreign key `related_name="events"`.
"""

from ratings.models.annotations import (
    ANNOTATION_TRANSITIONS,
    APPEAL_TRANSITIONS,
    OPEN_ANNOTATION,
    AnnotationEvent,
    AppealEvent,
    RatingAnnotation,
    RatingAppeal,
)
from ratings.models.base import (
    ACTION_LABELS,
    ActionLabelled,
    ImmutableError,
    ImmutableModel,
    ImmutableQuerySet,
)
from ratings.models.callbacks import CALLBACK_TRANSITIONS, CallbackEvent, CallbackQuerySet, HotlineCallback
from ratings.models.choices import (
    AnnotationKind,
    AnnotationStatus,
    AppealStatus,
    BadReason,
    CallbackStatus,
    CallOutcome,
    ContactMethod,
    FollowUpStatus,
    PushStatus,
    RaterType,
    RatingChannel,
    Satisfaction,
    SatisfactionLevel,
    ServiceKind,
    SurveyKind,
    SurveyStatus,
    Verdict,
)
from ratings.models.follow_ups import FOLLOWUP_TRANSITIONS, FollowUp, FollowUpEvent, FollowUpQuerySet
from ratings.models.push import PushBatch, PushItem
from ratings.models.ratings import Rating, RatingQuerySet, RatingToken, excluded_q, merged_q
from ratings.models.surveys import (
    SURVEY_TRANSITIONS,
    SurveyResponse,
    SurveyRound,
    SurveyRoundEvent,
    SurveyTarget,
)

__all__ = [
    "ACTION_LABELS",
    "ANNOTATION_TRANSITIONS",
    "APPEAL_TRANSITIONS",
    "CALLBACK_TRANSITIONS",
    "FOLLOWUP_TRANSITIONS",
    "OPEN_ANNOTATION",
    "SURVEY_TRANSITIONS",
    "ActionLabelled",
    "AnnotationEvent",
    "AnnotationKind",
    "AnnotationStatus",
    "AppealEvent",
    "AppealStatus",
    "BadReason",
    "CallOutcome",
    "CallbackEvent",
    "CallbackQuerySet",
    "CallbackStatus",
    "ContactMethod",
    "FollowUp",
    "FollowUpEvent",
    "FollowUpQuerySet",
    "FollowUpStatus",
    "HotlineCallback",
    "ImmutableError",
    "ImmutableModel",
    "ImmutableQuerySet",
    "PushBatch",
    "PushItem",
    "PushStatus",
    "RaterType",
    "Rating",
    "RatingAnnotation",
    "RatingAppeal",
    "RatingChannel",
    "RatingQuerySet",
    "RatingToken",
    "Satisfaction",
    "SatisfactionLevel",
    "ServiceKind",
    "SurveyKind",
    "SurveyResponse",
    "SurveyRound",
    "SurveyRoundEvent",
    "SurveyStatus",
    "SurveyTarget",
    "Verdict",
    "excluded_q",
    "merged_q",
]
