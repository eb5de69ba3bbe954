"""Every rule the database keeps has a plain message, found by the rule's name, wherever it is broken."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse
from django.utils import timezone

from mysteryshop import database_rules
from mysteryshop import urls as site_urls
from volunteers.models import TrainingSession
from volunteers.tests.factories import TrainingModuleFactory

SQL_RULE = re.compile(r"(?:ADD CONSTRAINT|CONSTRAINT =) '?(\w+)")


def test_every_model_constraint_has_a_plain_message():
    rules = database_rules.model_rules()
    assert len(rules) > 30
    default = BaseConstraint.default_violation_error_message
    unclear = {
        name: message for name, message in rules.items() if message == default % {"name": name} or name in message
    }
    assert unclear == {}, "give these constraints a violation_error_message people can read"


def test_every_rule_written_in_sql_has_a_plain_message():
    written = set()
    for migration in Path(settings.BASE_DIR).glob("*/migrations/*.py"):
        written |= set(SQL_RULE.findall(migration.read_text()))
    written -= {"audit_event_append_only"}  # the audit log refuses changes from the database itself, never a form
    assert written, "the SQL rules were found"
    assert written <= set(database_rules._sql_rules), written - set(database_rules._sql_rules)


def session_data(**changes):
    starts = timezone.localtime() + timedelta(days=7)
    return {
        "module": TrainingModuleFactory().pk,
        "starts_at": starts.strftime("%Y-%m-%dT10:00"),
        "ends_at": starts.strftime("%Y-%m-%dT12:00"),
        "venue": "OPCC offices",
        "capacity": "12",
        "trainer": "Ruth Bailey",
        **changes,
    }


def test_a_session_with_no_places_is_refused_in_words_by_its_field(client_for, coordinator):
    response = client_for(coordinator).post(reverse("volunteers:training-create"), session_data(capacity="0"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A session needs at least one place" in page and 'href="#id_capacity"' in page
    assert "is violated" not in page and "training_capacity_positive" not in page
    assert not TrainingSession.objects.exists()


def test_a_row_the_database_refuses_becomes_its_rules_message(db):
    module = TrainingModuleFactory()
    starts = timezone.now() + timedelta(days=7)
    with pytest.raises(ValidationError) as refused, database_rules.refused_in_words():
        TrainingSession.objects.create(
            module=module, starts_at=starts, ends_at=starts + timedelta(hours=1), venue="x", capacity=0, trainer="y"
        )
    assert refused.value.messages == ["A session needs at least one place."]
    assert refused.value.error_list[0].code == "training_capacity_positive"


def refuse(request):
    module = TrainingModuleFactory()
    starts = timezone.now() + timedelta(days=7)
    TrainingSession.objects.create(
        module=module, starts_at=starts, ends_at=starts - timedelta(hours=1), venue="x", capacity=3, trainer="y"
    )
    return HttpResponse("saved")


# The site's own patterns beside the test's (they hold i18n_patterns, which Django allows only at the root).
urlpatterns = [path("refuse/", refuse), *site_urls.urlpatterns]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as a real request: autocommit
@override_settings(ROOT_URLCONF=__name__)
def test_a_rule_broken_where_nothing_expected_it_is_a_page_in_words(client):
    response = client.get("/refuse/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "That could not be saved" in page and "The session must end after it starts." in page
    assert not TrainingSession.objects.exists()
