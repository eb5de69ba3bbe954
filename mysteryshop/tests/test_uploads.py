"""Uploaded pictures are checked by what they contain: random bytes, damaged and wrong-type images, pictures
with too many pixels and decompression bombs are refused with a message, never a server error."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mysteryshop.uploads import clean_image


def image_bytes(image_format: str, size=(16, 16), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, format=image_format)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def png_claiming(width: int, height: int, *, pixels: bool = False) -> bytes:
    """A PNG whose header claims width × height; with `pixels`, a real one (all black) that compresses to little."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    if pixels:
        squeeze, row = zlib.compressobj(9), b"\x00" * (width + 1)
        data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    else:
        data = zlib.compress(b"\x00" * 10)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def flipped(data: bytes, positions: list[int]) -> bytes:
    damaged = bytearray(data)
    for position in positions:
        damaged[position % len(damaged)] ^= 0xFF
    return bytes(damaged)


def upload_strategy():
    """Files a hostile or confused browser might send as a photo or receipt."""
    good = st.sampled_from([image_bytes("PNG"), image_bytes("JPEG"), b"%PDF-1.4\n%%EOF\n"])
    wrong_type = st.sampled_from([image_bytes("GIF", mode="P"), image_bytes("BMP"), image_bytes("TIFF")])
    damaged = st.builds(flipped, good, st.lists(st.integers(0, 10_000), min_size=1, max_size=8))
    truncated = st.builds(lambda data, cut: data[: cut % len(data)], good, st.integers(1, 10_000))
    claims = st.builds(png_claiming, st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1))
    content = st.one_of(st.binary(max_size=2000), good, wrong_type, damaged, truncated, claims)
    name = st.sampled_from(["photo.jpg", "receipt.png", "scan.pdf", "x", "../../etc/passwd", "ünïcødé.JPG"])
    kind = st.sampled_from(["image/jpeg", "image/png", "application/pdf", "text/html", ""])
    return st.builds(lambda data, n, k: SimpleUploadedFile(n, data, content_type=k), content, name, kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(upload=upload_strategy())
def test_any_file_is_a_clean_picture_or_a_message(upload):
    try:
        cleaned, content_type = clean_image(upload)
    except ValidationError as error:
        assert upload.name in error.messages[0]
        return
    # Accepted: re-saved from its pixels, and readable as what it says it is.
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.format in ("JPEG", "PNG")
        assert content_type == f"image/{image.format.lower()}"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_claiming(8_000, 8_000, pixels=True)  # 64 million pixels in about 70 KB
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError, match="too big a picture"):
        clean_image(SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))


def test_a_header_claiming_billions_of_pixels_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="too big a picture"):
        clean_image(SimpleUploadedFile("huge.png", png_claiming(100_000, 100_000), content_type="image/png"))


def test_the_pixel_limit_is_a_setting(settings):
    settings.MYSTERYSHOP_IMAGE_MAX_PIXELS = 1_000_000
    big = SimpleUploadedFile("big.png", image_bytes("PNG", size=(1200, 900)), content_type="image/png")
    with pytest.raises(ValidationError, match=r"1,200 × 900 pixels.*up to 1 million pixels"):
        clean_image(big)
    clean_image(SimpleUploadedFile("ok.png", image_bytes("PNG", size=(1000, 1000)), content_type="image/png"))


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF", "WEBP"])
def test_other_picture_types_are_refused_by_name(image_format):
    mode = "P" if image_format == "GIF" else "RGB"
    with pytest.raises(ValidationError, match="must be a photo"):
        clean_image(SimpleUploadedFile("photo.jpg", image_bytes(image_format, mode=mode), content_type="image/jpeg"))
