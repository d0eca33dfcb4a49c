"""Sign-in cannot be jammed (issue 14, findings 2 and 3): behind the documented proxy, limits count
each client's own address; failures count per account, however its name is typed, and per
address; a failed sign-in costs one password hash."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
PASSWORD = "correct horse battery"  # the cast's (tests/conftest.py)
WRONG = "a wrong password typed"
PROXY = "10.0.0.2"  # what Django sees as REMOTE_ADDR for everyone behind the proxy
HERE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
# allauth's limits per client address (its defaults): sign-in posts and reset requests a minute.
SIGN_IN_POSTS = 30
RESET_REQUESTS = 20
# Ways of typing the account `viewer` that sign in to it.
SPELLINGS = ["viewer", "Viewer", "VIEWER", "viewer ", " vIEWer\t"]


@pytest.fixture
def behind_proxy(settings):
    """The set-up of docs/operations.md: one reverse proxy that appends the client's address."""
    settings.PROXY_COUNT = 1


def client_at(address: int) -> str:
    """A distinct client address for each number, in the documentation range."""
    return f"192.0.2.{address}" if address < 256 else f"198.18.{address // 256}.{address % 256}"


def via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """Headers as the proxy passes them on: it appends the address it got the request from to
    whatever X-Forwarded-For the client sent."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def sign_in(username: str = "editor", password: str = PASSWORD, **headers):
    """A fresh browser each time: nothing but the address ties the attempts together."""
    headers = headers or {"REMOTE_ADDR": HERE}
    return Client().post(LOGIN, {"login": username, "password": password}, **headers)


def is_signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


# Behind the proxy, each client has its own allowance (finding 2)


def test_many_clients_behind_the_proxy_do_not_use_up_one_allowance(behind_proxy, editor):
    for n in range(SIGN_IN_POSTS):
        assert sign_in(f"visitor{n}", WRONG, **via_proxy(client_at(n))).status_code == 200
    assert is_signed_in(sign_in(**via_proxy(client_at(SIGN_IN_POSTS))))


def test_a_client_over_the_limit_is_stopped_and_its_neighbour_is_not(behind_proxy, editor):
    # A forged X-Forwarded-For changes nothing: the proxy's entry, the last one, is the address.
    for n in range(SIGN_IN_POSTS):
        response = sign_in(f"visitor{n}", WRONG, **via_proxy(HERE, forged=client_at(n)))
        assert response.status_code == 200
    assert sign_in(**via_proxy(HERE, forged=client_at(999))).status_code == 429
    assert is_signed_in(sign_in(**via_proxy(ELSEWHERE)))


def test_password_reset_requests_count_per_client_behind_the_proxy(behind_proxy, client):
    for n in range(RESET_REQUESTS + 1):
        email = f"person{n}@example.org"
        assert client.post(RESET, {"email": email}, **via_proxy(client_at(n))).status_code == 302
    for n in range(RESET_REQUESTS):
        client.post(RESET, {"email": f"other{n}@example.org"}, **via_proxy(HERE))
    assert client.post(RESET, {"email": "last@example.org"}, **via_proxy(HERE)).status_code == 429


def test_the_security_log_and_the_lock_out_name_the_same_client(behind_proxy, editor):
    sign_in(password=WRONG, **via_proxy(HERE, forged=ELSEWHERE))
    assert AccessAttempt.objects.get().ip_address == HERE
    assert SecurityEvent.objects.get().ip_address == HERE


# One lock per account and address, however the name is typed (finding 3)


def lock_out(username: str = "viewer", address: str = HERE) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(username, WRONG, REMOTE_ADDR=address)
    assert sign_in(username, REMOTE_ADDR=address).status_code == 429


@pytest.mark.parametrize("typed", SPELLINGS)
def test_a_locked_account_stays_locked_whatever_the_case_or_spaces(viewer, typed):
    lock_out("viewer")
    response = sign_in(typed)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_failures_typed_in_different_ways_add_up(viewer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(SPELLINGS[n % len(SPELLINGS)], WRONG)
    assert sign_in("viewer").status_code == 429


def test_one_address_cannot_lock_an_account_out_for_everyone(viewer):
    """An attacker keeps guessing from one address, well past every limit; the owner, elsewhere,
    signs in (allauth's own limit counted 10 failures per account from any address)."""
    for _ in range(4 * settings.AXES_FAILURE_LIMIT):
        sign_in("viewer", WRONG, REMOTE_ADDR=HERE)
    assert sign_in("viewer", REMOTE_ADDR=HERE).status_code == 429
    assert is_signed_in(sign_in("viewer", REMOTE_ADDR=ELSEWHERE))


def test_failures_spread_over_addresses_lock_no_address(viewer):
    addresses = [client_at(n) for n in range(5)]
    for address in addresses:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in("viewer", WRONG, REMOTE_ADDR=address)
    assert is_signed_in(sign_in("Viewer", REMOTE_ADDR=addresses[0]))
    assert is_signed_in(sign_in("viewer", REMOTE_ADDR=ELSEWHERE))


def test_the_lock_out_lasts_an_hour_from_the_last_attempt_for_every_spelling(viewer):
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        lock_out("viewer")
        clock.shift(59 * 60)
        assert sign_in("VIEWER").status_code == 429
        clock.shift(61 * 60)
        assert is_signed_in(sign_in("Viewer "))


# One password hash per attempt


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher (same algorithm, so the cast's passwords check), counting the
    hashes computed: checking a password, or hashing one to take as long as checking."""

    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashes = 0

    def counted(response) -> int:
        count, CountingHasher.hashes = CountingHasher.hashes, 0
        return count

    return counted


def test_a_failed_sign_in_costs_one_password_hash(viewer, hashes):
    assert hashes(sign_in("viewer", WRONG)) == 1
    assert hashes(sign_in("nobody-of-that-name", WRONG)) == 1
    assert hashes(sign_in("Viewer", WRONG)) == 1
    assert is_signed_in(sign_in("viewer", REMOTE_ADDR=ELSEWHERE))


def test_a_locked_out_attempt_costs_no_password_hash(viewer, hashes):
    hashes(lock_out("viewer"))  # the failures' hashes, counted above
    assert hashes(sign_in("viewer")) == 0
