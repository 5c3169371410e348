"""The editorial team, as logged-in clients: a member of the groups the migrations create."""

import pytest

from tests.helpers import member


@pytest.fixture
def greek_translator(django_user_model):
    return member(django_user_model, "eleni", "Translators (el)")


@pytest.fixture
def greek_reviewer(django_user_model):
    return member(django_user_model, "nikos", "Reviewers (el)")
