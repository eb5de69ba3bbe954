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


# --- Metadata: nothing but the picture survives ------------------------------------------------

SECRET = "Margaret Hughes at 52.9N 2.1W"
# What a clean JPEG may hold: start and end, the JFIF header, tables, frame and scan (the picture).
JPEG_ALLOWED = {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD, 0xDA, 0xD9}
# What a clean PNG may hold: the header, a palette and its transparency, the picture and the end.
PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def jpeg_markers(data: bytes) -> list[int]:
    """Every marker before the scan, and the scan itself (entropy-coded data is skipped)."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [0xD8], 2
    while position < len(data):
        assert data[position] == 0xFF, f"not a marker at {position}"
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the rest is the picture up to the end marker
            markers.append(data[-1])
            return markers
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        position += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def _icc_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _xmp() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        + f"<rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>".encode()
    )


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 54.0, 0.0), 4: (2.0, 6.0, 0.0)}  # GPS latitude and longitude
    exif[0x010F] = "PhoneMaker"
    exif[0x013B] = SECRET  # artist
    exif[0x0112] = 1  # orientation
    return exif


def jpeg_with_everything() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(
        out, format="JPEG", exif=_exif(), icc_profile=_icc_profile(), comment=SECRET.encode(), xmp=_xmp()
    )
    data = out.getvalue()
    # An application segment Pillow does not know of (APP13, Photoshop's IPTC block) with the secret in it.
    app13 = b"Photoshop 3.0\x00" + SECRET.encode()
    return data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:]


def png_with_everything(mode="RGB") -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)  # tEXt
    info.add_text("Comment", SECRET, zip=True)  # zTXt
    info.add_itxt("Description", SECRET, lang="en", tkey="Description")  # iTXt
    info.add(b"tIME", struct.pack(">HBBBBB", 2026, 11, 3, 10, 15, 0))
    out = io.BytesIO()
    image = Image.new(mode, (32, 24), "red" if mode != "P" else 1)
    image.save(out, format="PNG", pnginfo=info, exif=_exif(), icc_profile=_icc_profile(), dpi=(300, 300))
    return out.getvalue()


def test_the_test_pictures_really_carry_every_kind_of_metadata():
    jpeg = jpeg_with_everything()
    assert {0xE1, 0xE2, 0xED, 0xFE} <= set(jpeg_markers(jpeg)), "EXIF/XMP (APP1), ICC (APP2), APP13, comment"
    assert jpeg.count(b"http://ns.adobe.com/xap/1.0/") == 1
    chunks = set(png_chunks(png_with_everything()))
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"pHYs", b"tIME"} <= chunks


@pytest.mark.parametrize("make", [jpeg_with_everything, png_with_everything, lambda: png_with_everything("P")])
def test_a_picture_keeps_only_its_pixels(make):
    original = make()
    cleaned, content_type = clean_image(SimpleUploadedFile("photo", original, content_type="image/jpeg"))
    data = cleaned.read()
    assert SECRET.encode() not in data and b"PhoneMaker" not in data
    if content_type == "image/jpeg":
        assert set(jpeg_markers(data)) <= JPEG_ALLOWED, [hex(m) for m in jpeg_markers(data)]
    else:
        assert set(png_chunks(data)) <= PNG_ALLOWED, png_chunks(data)
    with Image.open(io.BytesIO(data)) as image, Image.open(io.BytesIO(original)) as before:
        assert image.size == before.size
        assert not image.getexif() and "icc_profile" not in image.info
        assert image.convert("RGB").getpixel((5, 5)) == before.convert("RGB").getpixel((5, 5))


def test_a_photo_taken_on_its_side_is_turned_the_right_way_before_its_orientation_is_removed():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it rotated 90° clockwise
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(out, format="JPEG", exif=exif)
    cleaned, _ = clean_image(SimpleUploadedFile("side.jpg", out.getvalue(), content_type="image/jpeg"))
    with Image.open(cleaned) as image:
        assert image.size == (20, 40) and not image.getexif()
