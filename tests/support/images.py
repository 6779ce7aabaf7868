"""Image files made on the spot with Pillow, for upload tests."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from PIL import ExifTags, Image


def jpeg_with_gps(size: tuple[int, int] = (300, 200)) -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera name."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "SpyCam 3000"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (120, 90)) -> bytes:
    out = BytesIO()
    Image.new("RGBA", size, (20, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny valid-looking PNG whose header declares a huge canvas."""
    data = bytearray(png((1, 1)))
    # IHDR: 8-byte signature, 4-byte length, b"IHDR", then width and height, then CRC.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def files_under(root: Path) -> set[str]:
    """Every stored file's name (the media dir's state, for 'nothing stored' checks)."""
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def open_image(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data))
