"""A service's refusal (a ValidationError) in words for the person who asked.

Services refuse with messages a person can read; views show them, one sentence after another.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def in_words(error: ValidationError) -> str:
    """All of a refusal's messages as one passage of text."""
    return " ".join(error.messages)


def show_refusal(request, error: ValidationError) -> None:
    """Put a refusal at the top of the next page the person sees."""
    messages.error(request, in_words(error))
