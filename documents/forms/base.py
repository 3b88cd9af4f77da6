"""The registry of printed forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from common.errors import DomainError
from documents.blocks import Document, QrBox


class UnknownForm(DomainError):
    code = "unknown_form"
    status = 404


@dataclass(frozen=True)
class FormDefinition:
    code: str
    title: str
    clause: str  # the regulation clause the form serves
    description: str
    context_model: type[BaseModel]
    build: Callable[[Any], Document]
    sample: Callable[[], BaseModel]
    citizen_copy: bool = True  # has a part handed to the citizen (with the QR code)

    def context(self, value: BaseModel | dict[str, Any]) -> BaseModel:
        """The validated context: a model of the right type, or a dict to validate."""
        if isinstance(value, self.context_model):
            return value
        if isinstance(value, BaseModel):
            value = value.model_dump()
        return self.context_model.model_validate(value)


FORMS: dict[str, FormDefinition] = {}


def register(definition: FormDefinition) -> FormDefinition:
    FORMS[definition.code] = definition
    return definition


def form_definition(code: str) -> FormDefinition:
    try:
        return FORMS[code]
    except KeyError:
        raise UnknownForm(f"没有名为“{code}”的文书。可用的文书：{'、'.join(FORMS)}。") from None


def qr_box(url: str | None, caption: str) -> QrBox | None:
    """The QR code of a citizen's part, when the context gives a target."""
    return QrBox(url, caption) if url else None
