"""The account page on a phone: the calendar link (a long URL) does not widen the page,
and a password change keeps this browser signed in while the old password stops working."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.error import HTTPError

import pytest

from tests.browser import people
from tests.browser.conftest import PHONE
from tests.browser.test_phone_layout import OVERFLOW
from tests.support.api import PASSWORD

NEW_PASSWORD = "a much better passphrase"


def test_account_page_on_a_phone(live: str, new_context: Callable[..., Any]) -> None:
    ann = people.person(live, "Ann")
    phone = new_context(PHONE).new_page()
    people.sign_in(phone, ann)
    phone.goto("/account")
    phone.get_by_role("heading", name="Your account", exact=True).wait_for()

    with phone.expect_navigation():
        phone.get_by_role("button", name="Make a link").click()
    link = phone.locator("#feed-url")
    assert "/api/v1/calendar.ics?token=" in link.input_value()
    assert phone.evaluate(OVERFLOW) <= 0, "the account page is wider than the phone"

    phone.get_by_label("Current password").fill(PASSWORD)
    phone.get_by_label("New password").fill(NEW_PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Change password").click()
    phone.get_by_text("Your password is changed.").wait_for()
    phone.get_by_role("button", name="Sign out").wait_for()  # still signed in here
    assert phone.evaluate(OVERFLOW) <= 0

    login = {"email": ann.email, "password": PASSWORD}
    with pytest.raises(HTTPError) as refused:
        people.call(live, "POST", "/api/v1/auth/login", login)
    assert refused.value.code == 401
    people.call(live, "POST", "/api/v1/auth/login", {**login, "password": NEW_PASSWORD})
