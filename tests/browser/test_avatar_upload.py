"""A person picks a picture on the profile page: it is uploaded, and shows on the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.request import urlopen

from tests.browser import people
from tests.support.images import jpeg_with_gps, open_image


def test_avatar_upload_from_the_profile_page(live: str, page: Any, tmp_path: Path) -> None:
    ann = people.person(live, "Ann")
    picture = tmp_path / "holiday.jpg"
    picture.write_bytes(jpeg_with_gps())
    people.sign_in(page, ann)
    page.goto("/profile")

    page.get_by_label("Choose a picture").set_input_files(str(picture))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload picture").click()
    page.get_by_text("Picture saved.").wait_for()
    preview = page.get_by_role("img", name="The current picture")
    source = preview.get_attribute("src")
    assert source is not None and source.endswith("-256.webp")
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) == 256

    with urlopen(live + source, timeout=15) as answer:
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert not open_image(answer.read()).getexif()
