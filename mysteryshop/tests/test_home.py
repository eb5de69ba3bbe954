import pytest
from django.urls import reverse

LANDING = {
    "applicant": "volunteers:applicant-home",
    "volunteer": "visits:my-visits",
    "coordinator": "reports:coordinator-home",
    "commissioner": "reports:commissioner-home",
    "force_liaison": "reports:liaison-home",
}


def test_anonymous_visitor_sees_the_welcome_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.parametrize("role", LANDING)
def test_each_role_is_sent_to_its_own_landing_page(role, request, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(LANDING[role])
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("role", LANDING)
def test_landing_pages_refuse_other_roles(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for other_role, url_name in LANDING.items():
        if other_role != role:
            assert client.get(reverse(url_name)).status_code == 403, (role, url_name)


@pytest.mark.parametrize("url_name", LANDING.values())
def test_landing_pages_send_anonymous_visitors_to_sign_in(url_name, client, db):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_with_no_role_is_told_so(client_for, db):
    from mysteryshop.tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 403
    assert b"no role yet" in response.content


def test_a_deactivated_user_loses_their_role(volunteer):
    volunteer.is_active = False
    assert not volunteer.has_role("Volunteer")


def test_superuser_goes_to_the_admin(client_for, db):
    from mysteryshop.tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    assert client_for(admin).get(reverse("home"))["Location"] == reverse("admin:index")


def test_the_friendly_404_page_is_used(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
