"""Turning an uploaded file into the few re-encoded sizes we store, judged by its content.

The file name and the declared Content-Type are never believed: Pillow decides what the
bytes are, and only JPEG, PNG, WebP and GIF (first frame) are accepted. Every stored size
is a fresh WebP encoding of the pixels alone, so EXIF (GPS positions, camera serials),
ICC profiles and comments never reach other people. This is CPU work: call `process`
in a thread, never on the event loop.

Pillow is imported by the first upload, not by every web process at start: most of this
module (the kinds, the names) is needed everywhere, the pixels only here.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from crewup.core.errors import Invalid, Unsupported
from crewup.core.marks import N_

if TYPE_CHECKING:
    from PIL import Image

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
NAME_PATTERN = r"[0-9a-f]{32}-[0-9]{2,4}\.webp"


class ImageKind(enum.Enum):
    """What an image is for decides its sizes: (width, height) of each stored copy."""

    avatar = ((64, 64), (256, 256))
    cover = ((640, 320), (1280, 640))

    @property
    def sizes(self) -> tuple[tuple[int, int], ...]:
        return self.value

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(width for width, _ in self.value)


@dataclass(frozen=True)
class ProcessedImage:
    key: str
    files: dict[str, bytes]  # stored name -> WebP bytes


def file_name(key: str, width: int) -> str:
    return f"{key}-{width}.webp"


def file_names(key: str, kind: ImageKind) -> list[str]:
    return [file_name(key, width) for width in kind.widths]


def image_key(scope: str, data: bytes) -> str:
    """Content-addressed (the same upload keeps its name, so caches stay right) and salted
    with its owner, so two owners never share files and removing one's never breaks the
    other's. 128 bits: the name cannot be guessed by someone who has not seen it."""
    digest = hashlib.sha256(b"crewup-image\0" + scope.encode() + b"\0" + data)
    return digest.hexdigest()[:32]


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise Invalid(N_("the image has no pixels"))
    if width * height > max_pixels:
        raise Invalid(
            N_(
                "the image is %(width)sx%(height)s pixels, too many pixels; "
                "at most %(max)s are accepted",
                width=width,
                height=height,
                max=format(max_pixels, ","),
            )
        )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    from PIL import Image

    image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
    # Checked from the header, before any pixel is decoded: a small file may declare a
    # huge canvas (a decompression bomb).
    _check_pixels(image.size, max_pixels)
    return image


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    from PIL import ImageOps

    with _open(data, max_pixels) as probe:
        probe.verify()  # structure and checksums; the image is unusable afterwards
    image = _open(data, max_pixels)
    image.seek(0)  # animations: the first frame only
    image.load()
    upright = ImageOps.exif_transpose(image)
    if upright is None:  # only when transposing in place, which we never ask for
        upright = image
    mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
    return upright.convert(mode)


def _encode(image: Image.Image, size: tuple[int, int]) -> bytes:
    from PIL import Image, ImageOps

    fitted = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    fitted.info = {}  # nothing of the original's metadata travels with the pixels
    out = BytesIO()
    fitted.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def process(data: bytes, kind: ImageKind, scope: str, *, max_pixels: int) -> ProcessedImage:
    """The stored sizes of an upload; Unsupported (415) for anything that is not an
    accepted image, Invalid (422) for a damaged file or one with too many pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = _decode(data, max_pixels)
    except UnidentifiedImageError:
        raise Unsupported(
            N_("the file is not an image we accept; upload a JPEG, PNG, WebP or GIF picture")
        ) from None
    except Image.DecompressionBombError:
        raise Invalid(
            N_(
                "the image has too many pixels; at most %(max)s are accepted",
                max=format(max_pixels, ","),
            )
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError):
        raise Invalid(N_("the image file is damaged or incomplete; try saving it again")) from None
    key = image_key(scope, data)
    return ProcessedImage(
        key, {file_name(key, size[0]): _encode(image, size) for size in kind.sizes}
    )
