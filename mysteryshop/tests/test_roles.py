from django.contrib.auth.models import Group

from mysteryshop.roles import Role


def test_every_role_exists_as_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {str(role) for role in Role}


def test_opcc_staff_are_coordinators_and_the_commissioner(coordinator, commissioner, force_liaison, volunteer):
    assert coordinator.is_opcc_staff and commissioner.is_opcc_staff
    assert not force_liaison.is_opcc_staff and not volunteer.is_opcc_staff


def test_staff_roles_need_two_factor(coordinator, force_liaison, volunteer):
    assert coordinator.needs_two_factor and force_liaison.needs_two_factor
    assert not volunteer.needs_two_factor


def test_a_role_taken_away_counts_from_the_next_request(client_for, volunteer):
    from django.urls import reverse

    client = client_for(volunteer)
    assert client.get(reverse("visits:my-visits")).status_code == 200
    volunteer.groups.remove(Group.objects.get(name=str(Role.VOLUNTEER)))
    assert client.get(reverse("visits:my-visits")).status_code in (302, 403)


def test_the_signed_in_user_comes_with_their_roles_in_one_query(client_for, volunteer, django_assert_num_queries):
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    client = client_for(volunteer)
    request = RequestFactory().get("/")
    request.session = client.session
    with django_assert_num_queries(2):  # the session, then the user with their roles
        user = get_user(request)
        assert user.has_role(Role.VOLUNTEER) and not user.has_role(Role.COORDINATOR)
