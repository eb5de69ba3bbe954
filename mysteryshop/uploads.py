"""Checking uploaded files by what they contain, not what they are called."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps


def delete_with_files(rows, field: str = "file") -> int:
    """Delete each row of the queryset `rows` and its stored file (`field`); how many went."""
    count = 0
    for row in rows:
        getattr(row, field).delete(save=False)
        row.delete()
        count += 1
    return count


# Pictures are rebuilt from their pixels (`clean_image`), so they may be shown in a page.
# Anything else people upload (a PDF receipt, as it came) is only ever downloaded.
SHOWN_IN_PAGE = ("image/jpeg", "image/png")


def private_file_response(file, *, content_type: str, filename: str = "") -> FileResponse:
    """An uploaded file for the person entitled to it: never kept by a browser or proxy, and,
    unless it is a rebuilt picture, a download rather than something the browser opens.
    (`SandboxedFilesMiddleware` also lets nothing in it run.)"""
    response = FileResponse(
        file, content_type=content_type, as_attachment=content_type not in SHOWN_IN_PAGE, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


def check_size(upload, *, max_bytes: int, what: str) -> None:
    if upload.size > max_bytes:
        values = {"name": upload.name, "mb": max(1, max_bytes // (1024 * 1024))}
        if what == "receipt":
            raise ValidationError(gettext("“%(name)s” is too big: a receipt must be under %(mb)s MB") % values)
        raise ValidationError(gettext("“%(name)s” is too big: a photo must be under %(mb)s MB") % values)


def is_pdf(upload) -> bool:
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


def pixels_only(image: Image.Image) -> Image.Image:
    """A new picture holding nothing of `image` but how it looks.

    Saving an opened picture keeps some of what came with it (a JPEG's comment, a PNG's
    colour profile); a picture built afresh from the pixels has nothing to keep: no EXIF
    (location, camera, time), XMP, IPTC, ICC profile, comment or text of any kind. The
    camera's orientation is applied first and colours are moved into sRGB, so the picture
    looks the same once those notes are gone.
    """
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # damaged EXIF: the picture itself is still good, as it was taken
        image.load()
    profile = image.info.get("icc_profile")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "1", "I", "I;16"):
        image = image.convert("RGB")  # CMYK and YCbCr JPEGs
    if profile and image.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: keep the colours as they are
    return Image.frombytes(image.mode, image.size, image.tobytes())


def clean_image(upload) -> tuple[ContentFile, str]:
    """A JPEG or PNG re-saved from its pixels only (`pixels_only`), so location and all other metadata are gone.

    The picture's size is read from its header before any pixel is decoded: a small file can
    claim a vast picture (a decompression bomb) that would take the server's memory.
    """
    max_pixels = settings.MYSTERYSHOP_IMAGE_MAX_PIXELS
    unreadable = ValidationError(gettext("“%(name)s” is not a photo we can read") % {"name": upload.name})
    try:
        with warnings.catch_warnings():
            # Pillow warns of a possible bomb past its own limit; the pixel count is checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            image_format = image.format
            width, height = image.size
            if image_format in ("JPEG", "PNG") and width * height <= max_pixels:
                image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            gettext("“%(name)s” is too big a picture: a photo may have up to %(millions)s million pixels")
            % {"name": upload.name, "millions": max_pixels // 1_000_000}
        ) from None
    except Exception:
        # Pillow's decoders raise many kinds of error on damaged or hostile files
        # (OSError, SyntaxError, struct.error, DecompressionBombError...): none is a photo.
        raise unreadable from None
    if image_format not in ("JPEG", "PNG"):
        raise ValidationError(gettext("“%(name)s” must be a photo (JPEG or PNG)") % {"name": upload.name})
    if width * height > max_pixels:
        raise ValidationError(
            gettext(
                "“%(name)s” is too big a picture (%(width)s × %(height)s pixels): "
                "a photo may have up to %(millions)s million pixels"
            )
            % {"name": upload.name, "width": f"{width:,}", "height": f"{height:,}", "millions": max_pixels // 1_000_000}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            clean = io.BytesIO()
            pixels_only(image).save(clean, format=image_format)
    except Exception:
        raise unreadable from None
    extension = "jpg" if image_format == "JPEG" else "png"
    return ContentFile(clean.getvalue(), name=f"image.{extension}"), f"image/{'jpeg' if extension == 'jpg' else 'png'}"
