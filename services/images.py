"""Whether bytes are an image a purchase order can carry as its letterhead logo: a whole PNG
or JPEG file, checked without decoding it (services import no Qt; the window and the PDF
renderer draw it with Qt, which reads both).

A PNG is checked chunk by chunk (each chunk's CRC, the header's size, an end chunk, and its
compressed image data inflating without error); a JPEG by its markers up to a frame header
with a size, and its end-of-image marker.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "PNG" or "JPEG"
    width: int
    height: int

    @property
    def mime(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"


def image_info(data: bytes) -> ImageInfo | None:
    """The format and size of a whole PNG or JPEG file, or None for anything else (another
    format, a truncated or damaged file, text named ``logo.png``)."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    return None


def _png(data: bytes) -> ImageInfo | None:
    at = len(PNG_SIGNATURE)
    size: tuple[int, int] | None = None
    inflate = zlib.decompressobj()
    seen_end = False
    try:
        while at + 12 <= len(data):
            length, chunk = struct.unpack(">I4s", data[at : at + 8])
            body = data[at + 8 : at + 8 + length]
            if len(body) != length:
                return None
            (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
            if zlib.crc32(chunk + body) != crc:
                return None
            if chunk == b"IHDR":
                size = struct.unpack(">II", body[:8])
            elif chunk == b"IDAT":
                inflate.decompress(body, 1 << 16)
                while inflate.unconsumed_tail:
                    inflate.decompress(inflate.unconsumed_tail, 1 << 16)
            elif chunk == b"IEND":
                seen_end = True
                break
            at += 12 + length
    except (struct.error, zlib.error):
        return None
    if not seen_end or size is None or not inflate.eof or min(size) <= 0:
        return None
    return ImageInfo("PNG", size[0], size[1])


# JPEG markers that start a frame (carry the image's size): SOF0-SOF15 but DHT, JPG, DAC.
_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg(data: bytes) -> ImageInfo | None:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return None
    at = 2
    try:
        while at + 4 <= len(data):
            if data[at] != 0xFF:
                return None
            marker = data[at + 1]
            if marker == 0xFF:  # fill byte
                at += 1
                continue
            (length,) = struct.unpack(">H", data[at + 2 : at + 4])
            if marker in _FRAMES:
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                if width <= 0 or height <= 0:
                    return None
                return ImageInfo("JPEG", width, height)
            if marker == 0xDA or length < 2:  # scan data before any frame: not a picture
                return None
            at += 2 + length
    except struct.error:
        return None
    return None
