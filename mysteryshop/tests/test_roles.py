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
