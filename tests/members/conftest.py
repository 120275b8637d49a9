import pytest

from tests.members.helpers import member, verified_user


@pytest.fixture
def manager(db):
    return verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")


@pytest.fixture
def organisation(manager):
    return member(manager=manager)


@pytest.fixture
def membership(organisation):
    return organisation.membership


@pytest.fixture
def stranger(db):
    return verified_user("fremd@example.org")
