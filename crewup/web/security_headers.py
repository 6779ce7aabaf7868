"""Security headers on every response: a Content-Security-Policy without inline scripts,
no MIME sniffing, no framing, a modest referrer, HSTS when served over https."""

from __future__ import annotations

from urllib.parse import urlsplit

from crewup.core.settings import Settings


def _tile_source(tile_url: str) -> str:
    """The origin map tiles come from, as a CSP source ({s} subdomains become *)."""
    if not tile_url or tile_url.startswith("/"):
        return ""
    parts = urlsplit(tile_url.replace("{s}", "x-sub"))
    host = (parts.hostname or "").replace("x-sub", "*")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}" if host else ""


def security_headers(settings: Settings) -> dict[str, str]:
    images = " ".join(filter(None, ("'self' data:", _tile_source(settings.map_tile_url))))
    policy = "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.effective_public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers
