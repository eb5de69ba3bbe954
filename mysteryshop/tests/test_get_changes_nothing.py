"""Opening a page changes nothing: every state change is a POST.

A link followed, a page prefetched by a browser or opened by a crawler, must not make
or change a record (a report's draft was once made by opening the questionnaire). Every
named URL that answers GET is asked for by each role the authorisation matrix lets in, in
the world of `world.py`, and PostgreSQL's own per-transaction counters of rows inserted,
updated and deleted (`pg_stat_xact_user_tables`) must not move on any table but the
bookkeeping ones below.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import reverse

from conftest import sign_in_as
from mysteryshop.access import ACCESS, OK

from .world import URL_KWARGS, named_urls

# Written by any request, by design: the session (last activity), the audit log (views of the
# schedule, downloads, refusals) and django-axes's access log.
BOOKKEEPING = {"mysteryshop_user_session", "mysteryshop_auditevent", "axes_accesslog", "axes_accessattempt"}
ROLES = ("anonymous", "applicant", "volunteer", "coordinator", "commissioner", "force_liaison")


def _written() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def test_no_get_request_changes_any_record(world, client):
    client.raise_request_exception = False
    changes, checked = [], 0
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            sign_in_as(client, world.users[role])
        for name, _route in named_urls():
            access = ACCESS[name]
            if access.method != "GET" or access.outcomes[role] != OK or name == "logout":
                continue
            url = reverse(name, kwargs=URL_KWARGS[name](world) if name in URL_KWARGS else {})
            with transaction.atomic():
                before = _written()
                client.get(url)
                after = _written()
                transaction.set_rollback(True)
            moved = sorted(
                table for table in after if after[table] != before.get(table, 0) and table not in BOOKKEEPING
            )
            if moved:
                changes.append(f"GET {name} as {role} wrote to {', '.join(moved)}")
            checked += 1
    assert not changes, "Opening a page changed records:\n" + "\n".join(changes)
    assert checked > 150
