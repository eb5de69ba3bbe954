"""Every label and hint of every form in the project is marked for translation (issue 21).

A form field without a label takes one from its name ("Starts at"), and a model field without a
verbose name does the same: words no catalogue holds, so a Welsh page would show them in English.
This walks every form class the project defines and fails on a visible field whose label or hint is a
plain string or comes from its name. Labels set when a form is made (from the data it is for) are
checked on the pages themselves, by the page-by-page Welsh test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms
from django.apps import apps
from django.utils.functional import Promise

PROJECT_APPS = ("mysteryshop", "reports", "scenarios", "visits", "volunteers")


def project_forms() -> list[type[forms.BaseForm]]:
    found = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.iter_modules(package.__path__):
            if module_info.name in ("tests", "migrations", "management") or module_info.ispkg:
                continue
            module = importlib.import_module(f"{app}.{module_info.name}")
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__.split(".")[0] in PROJECT_APPS:
                    found.add(value)
    return sorted(found, key=lambda form: (form.__module__, form.__name__))


def unmarked(form_class) -> list[str]:
    problems = []
    for name, field in form_class.base_fields.items():
        if field.widget.is_hidden:
            continue
        if field.label is None or (isinstance(field.label, str) and not isinstance(field.label, Promise)):
            problems.append(f"{form_class.__module__}.{form_class.__name__}.{name}: label {field.label!r}")
        if field.help_text and not isinstance(field.help_text, Promise):
            problems.append(f"{form_class.__module__}.{form_class.__name__}.{name}: hint {field.help_text!r}")
        choices = [] if isinstance(field, forms.ModelChoiceField) else getattr(field, "choices", None) or []
        if not isinstance(choices, (list, tuple)):
            choices = []  # worked out when the form is made
        for value, label in choices:
            if isinstance(label, (list, tuple)):
                continue  # a group
            if isinstance(label, str) and not isinstance(label, Promise) and value not in ("", None):
                problems.append(f"{form_class.__module__}.{form_class.__name__}.{name}: choice {label!r}")
                break
    return problems


def test_every_form_label_hint_and_choice_is_marked_for_translation():
    assert apps.ready
    checked = project_forms()
    assert len(checked) > 20
    problems = [problem for form_class in checked for problem in unmarked(form_class)]
    assert not problems, "Labels, hints or choices not marked for translation:\n" + "\n".join(problems)
