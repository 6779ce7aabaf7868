"""Uploading pictures through the pages (multipart forms with CSRF): saved pictures show
on the pages, refusals show in the form in words, and nothing is stored for them."""

from __future__ import annotations

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.cli import admin_cli
from tests.support.images import files_under, jpeg_with_gps, png
from tests.support.pages import csrf_of, group_via_form, signed_in


def upload(token: str | None, data: bytes, filename: str) -> FormData:
    body = FormData()
    if token is not None:
        body.add_field("csrf_token", token)
    body.add_field("image", data, filename=filename, content_type="image/png")
    return body


async def test_avatar_form_saves_and_shows_the_picture(
    client: TestClient, settings: Settings
) -> None:
    await signed_in(client)
    token = csrf_of(await (await client.get("/profile")).text())

    refused = await client.post("/profile/avatar", data=upload(None, png(), "me.png"))
    assert refused.status == 403
    assert "reload the page" in await refused.text()
    refused = await client.post(
        "/profile/avatar", data=upload(token, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png")
    )
    assert refused.status == 415
    page = await refused.text()
    assert "JPEG, PNG, WebP or GIF" in page and 'id="e-image"' in page
    assert 'value="Ann"' in page  # the profile form keeps its values
    assert files_under(settings.effective_media_dir) == set()

    saved = await client.post("/profile/avatar", data=upload(token, jpeg_with_gps(), "me.jpg"))
    assert saved.status == 200  # after the redirect
    page = await saved.text()
    assert "Picture saved." in page
    assert '-256.webp"' in page and "Remove picture" in page
    assert len(files_under(settings.effective_media_dir)) == 2

    removed = await client.post("/profile/avatar/remove", data={"csrf_token": token})
    assert "Picture removed." in await removed.text()
    pruned = await admin_cli(settings, "media", "prune", "--grace", "0")
    assert pruned.exit_code == 0, pruned.output
    assert files_under(settings.effective_media_dir) == set()


async def test_group_cover_form_on_the_edit_page(client: TestClient, settings: Settings) -> None:
    token = await signed_in(client)
    path = await group_via_form(client, token, "Painters")
    edit = await (await client.get(path + "/edit")).text()
    assert 'enctype="multipart/form-data"' in edit and f'action="{path}/cover"' in edit

    saved = await client.post(path + "/cover", data=upload(token, png((800, 400)), "c.png"))
    page = await saved.text()
    assert "Cover saved." in page and '-1280.webp"' in page
    directory = await (await client.get("/groups")).text()
    assert '-640.webp"' in directory


async def test_cover_forms_refuse_people_who_may_not_change_it_before_reading_the_upload(
    client: TestClient, settings: Settings
) -> None:
    token = await signed_in(client)
    path = await group_via_form(client, token, "Painters")
    client.session.cookie_jar.clear()
    other = await signed_in(client, "Bea", "bea@example.com")  # can see the group, not edit it
    refused = await client.post(path + "/cover", data=upload(other, png((800, 400)), "c.png"))
    assert refused.status == 403
    assert files_under(settings.effective_media_dir) == set()
