"""Validated string types for API schemas (django-ninja / pydantic):

    class ApplicantIn(Schema):
        id_number: ResidentId
        phone: Mobile

A wrong value gives a 422 whose message is the validator's own Chinese sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator

from common import identity


def _pydantic(check: Callable[[str], str]) -> AfterValidator:
    def validate(value: str) -> str:
        try:
            return check(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None

    return AfterValidator(validate)


ResidentId = Annotated[str, _pydantic(identity.validate_resident_id)]
CreditCode = Annotated[str, _pydantic(identity.validate_uscc)]
Mobile = Annotated[str, _pydantic(identity.validate_mobile)]
Phone = Annotated[str, _pydantic(identity.validate_landline_or_mobile)]
