"""Signing up and starting a group with the keyboard alone: Tab to move, typing to fill,
Enter to follow a link or send a form. Every step waits on the page, never on time."""

from __future__ import annotations

from typing import Any

from tests.support.api import PASSWORD

# What a person hears for the focused element: its label, its text, or a button's value.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (label || e.innerText || e.value || "").trim();
}"""


def tab_to(page: Any, name: str, limit: int = 40) -> None:
    """Press Tab until the element named `name` has the focus, as a keyboard user would."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused == name:
            return
        seen.append(focused)
    raise AssertionError(f"Tab never reached {name!r}; the focus went through {seen}")


def press_enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_up_and_start_a_group_with_the_keyboard(page: Any) -> None:
    page.goto("/")
    tab_to(page, "Join")
    press_enter_and_wait(page)
    assert page.url.endswith("/register")

    tab_to(page, "Display name")
    page.keyboard.type("Kira Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kira@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_enter_and_wait(page)
    page.get_by_role("button", name="Sign out").wait_for()

    tab_to(page, "Groups")
    press_enter_and_wait(page)
    tab_to(page, "Start a group")
    press_enter_and_wait(page)
    tab_to(page, "Name")
    page.keyboard.type("Keyboard Climbers")
    page.keyboard.press("Tab")
    page.keyboard.type("We only use Tab.")
    tab_to(page, "Create group")
    press_enter_and_wait(page)

    assert page.get_by_role("heading", name="Keyboard Climbers", exact=True).is_visible()
    assert "you are owner" in page.locator("article").first.inner_text()
