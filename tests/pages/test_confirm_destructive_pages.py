"""Nothing is lost on one click: deleting a post and cancelling an event go through a page
that says what will happen (a cancellation needs a reason), and a waitlisted or going
person who presses "Interested" is asked before giving up their place."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.support.api import Api, event_state, make_event, make_group, participants
from tests.support.pages import group_via_form, signed_in


async def test_deleting_a_post_asks_first(client: TestClient, api: Api) -> None:
    token = await signed_in(client)
    group_url = await group_via_form(client, token, "Writers")
    posted = await client.post(
        f"{group_url}/posts",
        data={"csrf_token": token, "title": "Draft", "body": "text"},
        allow_redirects=False,
    )
    post_url = posted.headers["Location"]
    page = await (await client.get(post_url)).text()
    assert f'href="{post_url}/delete"' in page
    assert f'action="{post_url}/delete"' not in page  # no one-click delete button
    # The old one-click form (no confirmation) only leads to the question.
    bare = await client.post(f"{post_url}/delete", data={"csrf_token": token})
    assert bare.status == 200
    question = await bare.text()
    assert "Delete this post?" in question and "cannot be undone" in question
    assert (await client.get(post_url)).status == 200
    done = await client.post(
        f"{post_url}/delete", data={"csrf_token": token, "confirm": "yes"}, allow_redirects=False
    )
    assert done.status == 303 and done.headers["Location"] == group_url
    assert (await client.get(post_url)).status == 404


async def test_deleting_a_comment_asks_first(client: TestClient) -> None:
    token = await signed_in(client)
    group_url = await group_via_form(client, token, "Talkers")
    posted = await client.post(
        f"{group_url}/posts",
        data={"csrf_token": token, "title": "Topic", "body": "text"},
        allow_redirects=False,
    )
    post_url = posted.headers["Location"]
    page = await (
        await client.post(f"{post_url}/comments", data={"csrf_token": token, "body": "Keep me"})
    ).text()
    found = re.search(r'href="(/comments/\d+/delete)"', page)
    assert found is not None, "no way to delete the comment"
    delete_url = found.group(1)
    assert f'action="{delete_url}"' not in page  # no one-click delete button

    # One press of the old button (no confirmation) only asks; the comment stays.
    bare = await client.post(delete_url, data={"csrf_token": token})
    assert bare.status == 200
    question = await bare.text()
    assert "Delete this comment?" in question and "Keep me" in question
    assert "cannot be undone" in question
    assert "Keep me" in await (await client.get(post_url)).text()

    done = await client.post(
        delete_url, data={"csrf_token": token, "confirm": "yes"}, allow_redirects=False
    )
    assert done.status == 303 and done.headers["Location"] == post_url
    after = await (await client.get(post_url)).text()
    assert "Keep me" not in after and "0 comments" in after
    assert "Comment deleted." in after


async def test_a_stranger_gets_no_question_for_someone_elses_comment(
    client: TestClient, api: Api
) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    post = await (
        await client.post(
            f"/api/v1/groups/{group['id']}/posts",
            json={"title": "Mine", "body": "text"},
            headers=owner["headers"],
        )
    ).json()
    comment = await (
        await client.post(
            f"/api/v1/posts/{post['id']}/comments", json={"body": "mine"}, headers=owner["headers"]
        )
    ).json()
    await signed_in(client, "Stranger", "stranger@example.com")
    assert (await client.get(f"/comments/{comment['id']}/delete")).status == 403
    assert (await client.get("/comments/999999/delete")).status == 404


async def test_only_who_may_delete_sees_the_question(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    await client.post(
        f"/api/v1/groups/{group['id']}/join", headers=(author := await api.register())["headers"]
    )
    post = await (
        await client.post(
            f"/api/v1/groups/{group['id']}/posts",
            json={"title": "Mine", "body": "text"},
            headers=author["headers"],
        )
    ).json()
    token = await signed_in(client, "Stranger", "stranger@example.com")
    assert (await client.get(f"/posts/{post['id']}/delete")).status == 403
    refused = await client.post(
        f"/posts/{post['id']}/delete", data={"csrf_token": token, "confirm": "yes"}
    )
    assert refused.status == 403
    assert (await client.get(f"/api/v1/posts/{post['id']}")).status == 200


async def signed_in_owner_with_event(client: TestClient, api: Api, **fields: object) -> tuple:
    token = await signed_in(client, "Olga", "olga@example.com")
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "olga@example.com", "password": "correct horse battery"},
    )
    body = await login.json()
    olga = {"headers": {"Authorization": f"Bearer {body['access_token']}"}}
    group = await make_group(client, olga)
    event = await make_event(client, olga, group["id"], **fields)
    return token, event


async def test_cancelling_an_event_asks_and_needs_a_reason(client: TestClient, api: Api) -> None:
    token, event = await signed_in_owner_with_event(client, api)
    url = f"/events/{event['id']}"
    page = await (await client.get(url)).text()
    assert f'href="{url}/cancel"' in page
    assert f'action="{url}/cancel"' not in page  # no one-click cancel
    question = await (await client.get(f"{url}/cancel")).text()
    assert "Cancel this event?" in question and "cannot be undone" in question
    empty = await client.post(f"{url}/cancel", data={"csrf_token": token, "reason": "   "})
    assert empty.status == 422
    assert 'id="e-reason"' in await empty.text()
    assert (await event_state(client, event))["status"] == "scheduled"
    done = await client.post(
        f"{url}/cancel", data={"csrf_token": token, "reason": "Storm <warning>"}
    )
    html = await done.text()
    assert "Cancelled: Storm &lt;warning&gt;" in html
    assert (await event_state(client, event))["status"] == "cancelled"
    again = await (await client.get(f"{url}/cancel")).text()
    assert "already cancelled" in again and 'name="reason"' not in again


async def test_members_cannot_reach_the_cancel_question(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    token = await signed_in(client, "Bea", "bea@example.com")
    await client.post(f"/groups/{group['id']}/join", data={"csrf_token": token})
    assert (await client.get(f"/events/{event['id']}/cancel")).status == 403
    refused = await client.post(
        f"/events/{event['id']}/cancel", data={"csrf_token": token, "reason": "mine now"}
    )
    assert refused.status == 403
    assert (await event_state(client, event))["status"] == "scheduled"


async def test_waitlisted_interested_asks_before_giving_up_the_place(
    client: TestClient, api: Api
) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1)
    taker = await api.register()
    await client.post(
        f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}, headers=taker["headers"]
    )
    token = await signed_in(client, "Bea", "bea@example.com")
    url = f"/events/{event['id']}"
    await client.post(f"{url}/rsvp", data={"csrf_token": token, "status": "going"})
    asked = await client.post(f"{url}/rsvp", data={"csrf_token": token, "status": "interested"})
    assert asked.status == 200
    question = await asked.text()
    assert "Give up your waitlist place?" in question and "<strong>#1</strong>" in question
    assert re.search(r'name="confirm" value="yes"', question)
    waitlist = await participants(client, event, "waitlisted")
    assert [p["display_name"] for p in waitlist["items"]] == ["Bea"]
    confirmed = await client.post(
        f"{url}/rsvp", data={"csrf_token": token, "status": "interested", "confirm": "yes"}
    )
    assert "Noted: interested." in await confirmed.text()
    assert (await participants(client, event, "waitlisted"))["items"] == []


async def test_interested_without_a_place_needs_no_question(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    token = await signed_in(client, "Bea", "bea@example.com")
    resp = await client.post(
        f"/events/{event['id']}/rsvp", data={"csrf_token": token, "status": "interested"}
    )
    assert "Noted: interested." in await resp.text()


async def test_withdrawing_from_a_seat_asks_first(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1)
    token = await signed_in(client, "Bea", "bea@example.com")
    url = f"/events/{event['id']}"
    await client.post(f"{url}/rsvp", data={"csrf_token": token, "status": "going"})
    asked = await client.post(f"{url}/rsvp", data={"csrf_token": token, "status": "withdraw"})
    question = await asked.text()
    assert "Give up your seat?" in question and 'value="withdraw"' in question
    assert (await event_state(client, event))["going_count"] == 1
    done = await client.post(
        f"{url}/rsvp", data={"csrf_token": token, "status": "withdraw", "confirm": "yes"}
    )
    assert "Your RSVP is withdrawn." in await done.text()
    assert (await event_state(client, event))["going_count"] == 0
