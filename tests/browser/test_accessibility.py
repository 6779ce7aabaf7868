"""axe-core (vendored: tests/browser/vendor/axe-core) on every main page, at desktop size
and on a 360 px phone, for the visitor, a member, a group's owner and a moderator: no
violation of impact "serious" or "critical" (contrast, names, labels, landmarks...)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crewup.core.settings import Settings
from tests.browser import people
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.main_pages import VISITOR, build_world, main_pages

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def serious_violations(page: Any) -> list[str]:
    """axe on the page as it is now, its serious and critical findings as lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


# Some thirty pages, each checked by axe: minutes on a loaded machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_serious_on_any_main_page(
    size: dict[str, int],
    live: str,
    new_context: Callable[..., Any],
    make_settings: Callable[..., Settings],
) -> None:
    world = build_world(live, make_settings())
    # bypass_csp: our Content-Security-Policy rightly refuses the injected axe script.
    tabs: dict[str, Any] = {VISITOR: new_context(size, bypass_csp=True).new_page()}
    for role, someone in world.people.items():
        tabs[role] = new_context(size, bypass_csp=True).new_page()
        people.sign_in(tabs[role], someone)
    problems: list[str] = []
    for main in main_pages(world):
        tab = tabs[main.viewer]
        tab.goto(main.path)
        tab.locator("main h1").first.wait_for()
        problems += [f"{main.name} ({main.viewer}): {line}" for line in serious_violations(tab)]
    assert not problems, "axe found serious problems:\n" + "\n".join(problems)


def test_axe_check_catches_a_serious_problem(new_context: Callable[..., Any]) -> None:
    """The check itself: a form field with no label is reported, so a page that broke
    would be too."""
    page = new_context(DESKTOP, bypass_csp=True).new_page()
    page.goto("/login")
    page.evaluate("document.querySelector('label[for]').remove()")
    assert any(line.startswith("label ") for line in serious_violations(page))
