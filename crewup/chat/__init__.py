"""Chat rooms per group and per event: REST history, the /ws frames, the browser panel."""

from collections.abc import AsyncIterator

from aiohttp import web


def setup(app: web.Application) -> None:
    from crewup.chat import api, pages, socket
    from crewup.chat.appkeys import ROOM_POSTS
    from crewup.chat.room_posts import RoomPosts
    from crewup.realtime.appkeys import HUB
    from crewup.web.appkeys import DB

    app[ROOM_POSTS] = RoomPosts(app[DB])

    async def _drain_room_posts(app: web.Application) -> AsyncIterator[None]:
        yield
        # Before the database's pool and the hub close (both set up earlier).
        await app[ROOM_POSTS].drain()

    app.cleanup_ctx.append(_drain_room_posts)

    app.router.add_routes(api.api.table)
    app.router.add_routes(pages.routes.table)
    socket.register(app, app[HUB])
