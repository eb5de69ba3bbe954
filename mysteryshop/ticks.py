"""The boxes a person ticked on a list page: the ids sent, whatever else came with them."""

from __future__ import annotations


def ticked(request, name: str) -> set[int]:
    """The whole numbers posted as `name` (one per ticked box); anything else is ignored, never an error."""
    return {int(value) for value in request.POST.getlist(name) if value.isdigit()}
