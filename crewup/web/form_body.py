"""Reading a form's body, where what a client sent can fail to decode.

aiohttp's `request.post()` raises on bytes that are not the declared charset, on a
charset Python does not know, and on a multipart body without a boundary; from a page
handler that was a 500 with a traceback for anyone, signed in or not (a black-box
trial). Every form read goes through here and such a body is a 400, as on the API.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from crewup.core.errors import BadRequest

FormData = MultiDictProxy[str | bytes | bytearray | web.FileField]


async def read_form(request: web.Request) -> FormData:
    try:
        return await request.post()
    except (ValueError, LookupError, AssertionError, RuntimeError, HttpProcessingError) as exc:
        # ValueError covers UnicodeDecodeError; LookupError an unknown charset.
        raise BadRequest(f"the form could not be read: {str(exc)[:200]}") from None
