import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the document's data, loaded once the way `make run` loads it.

    Tests that use `transaction=True` empty the database when they end; they must load it again.
    """
    with django_db_blocker.unblock():
        call_command("load_document", verbosity=0)
