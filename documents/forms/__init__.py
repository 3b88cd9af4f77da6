"""The printed forms. Each module defines one form: its context model, how the
context becomes a Document (parts and blocks), and a sample context."""

from documents.forms.base import FORMS, FormDefinition, UnknownForm, form_definition

# Importing a form module registers it.
from documents.forms import (  # noqa: F401  isort: skip
    one_time_notice,
    acceptance_notice,
    supplement_notice,
    rejection_notice,
    completion_notice,
    extension_form,
)

__all__ = ["FORMS", "FormDefinition", "UnknownForm", "form_definition"]
