"""The registry of printed forms, and the pieces most forms are built of: the issuer line
and the two parts of a form handed to a citizen (一联交申请人，一联留存)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from common.errors import DomainError
from documents.blocks import Audience, Block, Document, Part, QrBox


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


def issuer_line(*names: str) -> str:
    """The issuer line: the centre and the branch (or department) that are given."""
    return " ".join(name for name in names if name)


def two_parts(
    blocks: Callable[[Audience], tuple[Block, ...]],
    *,
    citizen_note: str,
    archive_note: str,
    qr: QrBox | None = None,
) -> tuple[Part, Part]:
    """申请人联 (with the QR code, when there is one) and 存根联: the same blocks written for
    each audience (the stub may leave out what only the citizen gets)."""
    return (
        Part("申请人联", Audience.CITIZEN, blocks(Audience.CITIZEN), citizen_note, qr),
        Part("存根联", Audience.ARCHIVE, blocks(Audience.ARCHIVE), archive_note),
    )
