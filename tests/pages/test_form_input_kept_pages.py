"""A form that fails comes back with what was typed and the error beside the field, not
in the flash box: a post with a title and no text, a comment that is too long, a refusal
from the service."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from crewup.posts.schemas import MAX_COMMENT_CHARS
from tests.support.api import Api, make_group
from tests.support.pages import signed_in

FLASH = re.compile(r'<p class="flash"[^>]*>([^<]*)</p>')


async def test_post_without_text_keeps_the_title(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    token = await signed_in(client)
    await client.post(f"/groups/{group['id']}/join", data={"csrf_token": token})
    resp = await client.post(
        f"/groups/{group['id']}/posts",
        data={"csrf_token": token, "title": "Ride on <Sunday>", "body": ""},
        allow_redirects=False,
    )
    assert resp.status == 422
    html = await resp.text()
    assert 'value="Ride on &lt;Sunday&gt;"' in html
    assert 'id="e-body"' in html and 'aria-invalid="true" aria-describedby="e-body"' in html
    assert not FLASH.search(html)
    posts = await (await client.get(f"/api/v1/groups/{group['id']}/posts")).json()
    assert posts["items"] == []
    # Fixed and sent again from the page that came back, it is posted.
    fixed = await client.post(
        f"/groups/{group['id']}/posts",
        data={"csrf_token": token, "title": "Ride on Sunday", "body": "9am at the bridge"},
        allow_redirects=False,
    )
    assert fixed.status == 303 and fixed.headers["Location"].startswith("/posts/")


async def test_too_long_comment_comes_back_with_its_text(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    token = await signed_in(client)
    await client.post(f"/groups/{group['id']}/join", data={"csrf_token": token})
    posted = await client.post(
        f"/groups/{group['id']}/posts",
        data={"csrf_token": token, "title": "Hello", "body": "first"},
        allow_redirects=False,
    )
    post_url = posted.headers["Location"]
    long_text = "word " * (MAX_COMMENT_CHARS // 5) + "END-OF-IT"
    resp = await client.post(f"{post_url}/comments", data={"csrf_token": token, "body": long_text})
    assert resp.status == 422
    html = await resp.text()
    assert "END-OF-IT</textarea>" in html
    assert 'id="e-body"' in html
    assert not FLASH.search(html)
    assert "0 comments" in html


async def test_a_refusal_shows_as_an_error_on_the_form(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    token = await signed_in(client)  # not a member: the service refuses the post
    resp = await client.post(
        f"/groups/{group['id']}/posts",
        data={"csrf_token": token, "title": "Hi all", "body": "Can I join?"},
    )
    assert resp.status == 422
    html = await resp.text()
    assert 'class="error form-error" role="alert">Join the group first.' in html
    assert 'value="Hi all"' in html and "Can I join?</textarea>" in html
    assert not FLASH.search(html)
