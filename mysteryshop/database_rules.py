"""The database's rules, in words people can read.

Every constraint on a model carries its own plain message (`violation_error_message`), which
Django's forms show when they check the rule before saving. When the database itself refuses
a row (two people saving at once, a trigger, an exclusion constraint written in SQL), the
error names the rule that was broken; `plain_message` finds that rule's message by its name,
never by reading the error's text. Rules written in SQL register their message here.

`refused_in_words` turns such a refusal into a ValidationError inside a service, and
`DatabaseRuleMiddleware` is the safety net for anything else: a page saying what was refused
and that nothing was saved, instead of a server error.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render

# Rules written in SQL (migrations), with their messages. Model constraints carry their own.
_sql_rules: dict[str, str] = {}

# SQLite (the embedded demo) names a broken CHECK constraint only in its message.
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def register_sql_rule(name: str, message: str) -> None:
    """A rule the database enforces from SQL (a trigger, an exclusion constraint), and its plain message."""
    _sql_rules[name] = message


def model_rules() -> dict[str, str]:
    """Every model constraint of the project, by name, with its plain message."""
    return {
        constraint.name: constraint.get_violation_error_message()
        for model in apps.get_models()
        for constraint in model._meta.constraints
    }


def rule_name(error: IntegrityError) -> str | None:
    """The name of the rule the database says was broken, if it says."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    found = _SQLITE_CHECK.search(str(error))
    return found.group(1) if found else None


def plain_message(error: IntegrityError) -> str | None:
    """The plain message of the rule behind a database refusal, or None for one we know nothing of."""
    name = rule_name(error)
    if name is None:
        return None
    return _sql_rules.get(name) or model_rules().get(name)


@contextmanager
def refused_in_words():
    """Save inside this block; if the database refuses the row by a known rule, raise a ValidationError with
    that rule's message (coded with its name). The block is its own savepoint, so the transaction goes on."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        message = plain_message(error)
        if message is None:
            raise
        raise ValidationError(message, code=rule_name(error)) from None


class DatabaseRuleMiddleware:
    """A database rule broken by a request no service expected: a page in words (400), not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        message = plain_message(exception)
        if message is None:
            return None
        return render(request, "refused.html", {"refused": message}, status=400)
