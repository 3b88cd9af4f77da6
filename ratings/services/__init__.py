"""Every write of the ratings app. Each service is keyword-only, runs in one transaction
and writes its event row and its audit event there; status moves go through
audit.transitions.transition (refused: 409 `invalid_transition`).

The services live in one module per sub-domain; every public name is importable from
here (callers, tests and the hooks in ratings/apps.py use `ratings.services.<name>`):

* `tokens` — rating tokens minted on completion and the rating itself (000 §五(五)4(1),
  一次一评、一事一评);
* `completion` — the "ticket_completed" / "case_completed" hook receivers;
* `annotations` — 误评/恶意评价 annotations and the citizen's appeal;
* `follow_ups` — 差评 follow-up and rectification (product-rating-followup);
* `callbacks` — 12329 callbacks (004 §五 一);
* `surveys` — internal monthly surveys (004 §五 二、三);
* `upstream` — the push to the provincial 好差评 platform;
* `_common` — text and phone checks, the role check, event rows of non-moves.

Reads (token look-up, who may answer a survey, its default targets) are in
ratings.selectors and re-exported here for the callers that found them in services.
"""

from ratings.errors import ALREADY_RATED_MESSAGE, AlreadyRated, TokenExpired, TokenInvalid
from ratings.selectors import (
    BRANCH_RATER_ROLES,
    MANAGER_MIN_RANK,
    rating_token_lookup,
    survey_default_targets,
    survey_may_rate,
    token_rated,
)
from ratings.services._common import ANNOTATION_ROLES, COMMENT_MAX, person_phone, visit_number
from ratings.services.annotations import (
    rating_annotation_decide,
    rating_annotation_propose,
    rating_appeal_decide,
    rating_appeal_submit,
)
from ratings.services.callbacks import (
    callback_attempt,
    callback_close_unreachable,
    callback_create_for_case,
    callback_create_for_ticket,
    callback_phone_reveal,
    callback_phone_set,
    callback_record,
)
from ratings.services.completion import case_completed, ticket_completed
from ratings.services.follow_ups import (
    follow_up_close,
    follow_up_close_unfounded,
    follow_up_contact,
    follow_up_open,
    follow_up_rectify,
    follow_ups_fill_deadlines,
)
from ratings.services.surveys import survey_rater_key, survey_respond, survey_round_close, survey_round_open
from ratings.services.tokens import (
    rating_submit,
    rating_token_mint_for_case,
    rating_tokens_mint_for_ticket,
)
from ratings.services.upstream import ratings_push

__all__ = [
    "ALREADY_RATED_MESSAGE",
    "ANNOTATION_ROLES",
    "BRANCH_RATER_ROLES",
    "COMMENT_MAX",
    "MANAGER_MIN_RANK",
    "AlreadyRated",
    "TokenExpired",
    "TokenInvalid",
    "callback_attempt",
    "callback_close_unreachable",
    "callback_create_for_case",
    "callback_create_for_ticket",
    "callback_phone_reveal",
    "callback_phone_set",
    "callback_record",
    "case_completed",
    "follow_up_close",
    "follow_up_close_unfounded",
    "follow_up_contact",
    "follow_up_open",
    "follow_up_rectify",
    "follow_ups_fill_deadlines",
    "person_phone",
    "rating_annotation_decide",
    "rating_annotation_propose",
    "rating_appeal_decide",
    "rating_appeal_submit",
    "rating_submit",
    "rating_token_lookup",
    "rating_token_mint_for_case",
    "rating_tokens_mint_for_ticket",
    "ratings_push",
    "survey_default_targets",
    "survey_may_rate",
    "survey_rater_key",
    "survey_respond",
    "survey_round_close",
    "survey_round_open",
    "ticket_completed",
    "token_rated",
    "visit_number",
]
