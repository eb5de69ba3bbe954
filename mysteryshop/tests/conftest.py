"""The world of objects (`world.py`) as fixtures, for the tests that walk every URL."""

import pytest
import time_machine

from .world import world_for_module


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One of each object, built once for the test module that asks for it."""
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("private-media")) as built:
        yield built


@pytest.fixture
def world(module_world, db, settings):
    """The module's world at the moment the volunteer's visit has started."""
    settings.MEDIA_ROOT = module_world.media_root
    with time_machine.travel(module_world.now, tick=True):
        yield module_world
