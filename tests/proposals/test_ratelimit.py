"""The rate limit public pages share (`mitra.core.ratelimit`)."""

from unittest import mock

from django.test import RequestFactory, override_settings

from mitra.core import ratelimit
from mitra.core.ratelimit import client_address, rate_limited, too_many_requests


def request_from(address, **headers):
    return RequestFactory().post("/", REMOTE_ADDR=address, **headers)


def test_it_lets_the_limit_through_and_refuses_the_rest():
    request = request_from("192.0.2.1")

    answers = [rate_limited(request, "test.form", 3, 60) for _ in range(5)]

    assert answers == [False, False, False, True, True]


def test_addresses_and_keys_are_counted_apart():
    for _ in range(3):
        rate_limited(request_from("192.0.2.1"), "test.form", 3, 60)

    assert rate_limited(request_from("192.0.2.1"), "test.form", 3, 60)
    assert not rate_limited(request_from("192.0.2.2"), "test.form", 3, 60)
    assert not rate_limited(request_from("192.0.2.1"), "test.other", 3, 60)


def test_a_new_window_starts_afresh():
    request = request_from("192.0.2.1")
    with mock.patch.object(ratelimit.time, "time", return_value=1_000_000.0):
        for _ in range(3):
            rate_limited(request, "test.form", 3, 60)
        assert rate_limited(request, "test.form", 3, 60)
    with mock.patch.object(ratelimit.time, "time", return_value=1_000_061.0):
        assert not rate_limited(request, "test.form", 3, 60)


def test_the_address_comes_from_the_connection_unless_a_proxy_header_is_set():
    request = request_from("10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")

    assert client_address(request) == "10.0.0.1"
    with override_settings(MITRA_CLIENT_IP_HEADER="HTTP_X_REAL_IP"):
        assert client_address(request) == "203.0.113.9"


def test_the_refusal_is_a_friendly_429_with_retry_after(db):
    response = too_many_requests(request_from("192.0.2.1"), retry_after=600)

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert b"<h1" in response.content
