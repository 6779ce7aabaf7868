from aiohttp import web

from crewup.web.pages import render_page

routes = web.RouteTableDef()


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    return await render_page(request, "home.html", {})
