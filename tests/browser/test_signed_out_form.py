"""A form sent after the sign-in ended (signed out in another tab, or the session ran
out) leads to the sign-in page and, once signed in, back to the page the form was on,
where the same button then works. On a phone, as people mostly meet this."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser import people
from tests.browser.conftest import PHONE
from tests.support.api import PASSWORD


def test_a_form_sent_signed_out_comes_back_to_its_page_after_sign_in(
    live: str, new_context: Callable[..., Any]
) -> None:
    owner = people.person(live, "Olga")
    crew = people.group(live, owner)
    hut = people.event(live, owner, crew["id"], title="Tiny hut", capacity=3)
    path = f"/events/{hut['id']}"
    ann = people.person(live, "Ann")

    context = new_context(PHONE)
    page = context.new_page()
    people.sign_in(page, ann)
    page.goto(path)
    page.get_by_role("button", name="I'm going").wait_for()
    context.clear_cookies()  # signed out elsewhere while this page stayed open

    with page.expect_navigation():
        page.get_by_role("button", name="I'm going").click()
    assert page.url.split("?")[0].endswith("/login"), page.url
    page.get_by_label("Email").fill(ann.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(path), page.url
    # Nothing was done behind the person's back: they are not going yet...
    page.get_by_role("button", name="I'm going").wait_for()
    # ... and the button works now. The page fits the phone's width.
    with page.expect_navigation():
        page.get_by_role("button", name="I'm going").click()
    page.get_by_text("You're going.", exact=True).wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
