"""Checking uploaded files by what they contain, not what they are called."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError


def check_size(upload, *, max_bytes: int, what: str) -> None:
    if upload.size > max_bytes:
        raise ValidationError(
            f"“{upload.name}” is too big: a {what} must be under {max(1, max_bytes // (1024 * 1024))} MB"
        )


def is_pdf(upload) -> bool:
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


def clean_image(upload) -> tuple[ContentFile, str]:
    """A JPEG or PNG re-saved from its pixels only, so location and all other metadata are gone."""
    try:
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            if image_format not in ("JPEG", "PNG"):
                raise ValidationError(f"“{upload.name}” must be a photo (JPEG or PNG)")
            clean = io.BytesIO()
            image.convert("RGB" if image_format == "JPEG" else image.mode).save(clean, format=image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"“{upload.name}” is not a photo we can read") from None
    extension = "jpg" if image_format == "JPEG" else "png"
    return ContentFile(clean.getvalue(), name=f"image.{extension}"), f"image/{'jpeg' if extension == 'jpg' else 'png'}"
