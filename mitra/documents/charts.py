"""Charts and other images in printed forms, drawn on the server as PNG.

A form's context holds an image as a small *spec* (plain data, so it can be
frozen in an issued document's snapshot); it becomes a picture only when a
file is rendered. The same PNG goes into the DOCX (Word needs a raster
image) and, as a data URI, into the HTML the PDF is made from, so both
files show the same figure. Bars are drawn with Pillow, which Mitra already
has; nothing else is needed.

Kinds of spec:

* `bar_chart(title=…, labels=[…], values=[…])` — horizontal bars;
* `stored_image(name)` — an uploaded file in Mitra's storage (the logo);
* `logo_from_settings()` — the logo file named by MITRA_INSTITUTION_LOGO.
"""

import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

logger = logging.getLogger(__name__)

#: Pixels per millimetre of the printed chart (about 200 dpi).
SCALE = 8
BAR_COLOUR = (31, 78, 121)
TEXT_COLOUR = (33, 37, 41)
GRID_COLOUR = (222, 226, 230)
MAX_BARS = 40


def bar_chart(*, title, labels, values, width_mm=150, unit=""):
    """Return the spec of a horizontal bar chart (one bar per label)."""
    labels = [str(label) for label in labels][:MAX_BARS]
    values = [_number(value) for value in values][: len(labels)]
    return {
        "kind": "chart",
        "chart": "bar",
        "title": str(title),
        "labels": labels,
        "values": values,
        "unit": str(unit),
        "width_mm": width_mm,
    }


def stored_image(name, *, width_mm=25):
    """Return the spec of an image kept in Mitra's file storage."""
    return {"kind": "file", "name": name, "width_mm": width_mm} if name else None


def logo_from_settings(*, width_mm=25):
    path = getattr(settings, "MITRA_INSTITUTION_LOGO", "")
    return {"kind": "setting", "width_mm": width_mm} if path else None


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return int(number) if number.is_integer() else round(number, 2)


def image_bytes(spec):
    """Return `(png_or_jpeg_bytes, mime_type)` for a spec, or None.

    A missing or unreadable file gives None: the document is still
    produced, without that picture.
    """
    if not isinstance(spec, dict):
        return None
    kind = spec.get("kind")
    if kind == "chart":
        return render_bar_chart(spec), "image/png"
    if kind == "file":
        return _read_image(lambda: default_storage.open(spec.get("name", ""), "rb"))
    if kind == "setting":
        path = getattr(settings, "MITRA_INSTITUTION_LOGO", "")
        return _read_image(lambda: Path(path).open("rb")) if path else None
    return None


def _read_image(opener):
    try:
        with opener() as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
    except (OSError, ValueError, UnidentifiedImageError):
        logger.warning("An image for a printed form could not be read.")
        return None
    if image_format == "PNG":
        return data, "image/png"
    if image_format == "JPEG":
        return data, "image/jpeg"
    return None


def _font(size):
    return ImageFont.load_default(size=size)


def _fit(draw, text, font, width):
    """Shorten `text` with an ellipsis until it fits in `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render_bar_chart(spec):
    """Draw a bar-chart spec as PNG bytes."""
    labels = spec.get("labels") or []
    values = [_number(value) for value in spec.get("values") or []]
    values += [0] * (len(labels) - len(values))
    width = min(max(int(_number(spec.get("width_mm")) or 150), 40), 400) * SCALE
    text_size, bar_height, gap, margin = 3 * SCALE, 5 * SCALE, 2 * SCALE, 3 * SCALE
    title_height = 6 * SCALE if spec.get("title") else 0
    rows = max(len(labels), 1)
    height = margin * 2 + title_height + rows * (bar_height + gap)

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, title_font = _font(text_size), _font(int(text_size * 1.2))
    if title_height:
        draw.text((margin, margin), spec["title"], fill=TEXT_COLOUR, font=title_font)
    top = margin + title_height
    label_width = int(width * 0.35)
    value_width = int(width * 0.12)
    bar_left = margin + label_width + SCALE
    bar_space = max(width - bar_left - margin - value_width, SCALE)
    largest = max((value for value in values if value > 0), default=0)

    draw.line([(bar_left, top), (bar_left, height - margin)], fill=GRID_COLOUR)
    if not labels:
        draw.text((bar_left + SCALE, top), "—", fill=TEXT_COLOUR, font=font)
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = top + index * (bar_height + gap)
        text = _fit(draw, label, font, label_width)
        draw.text(
            (margin, y + bar_height / 2), text, fill=TEXT_COLOUR, font=font, anchor="lm"
        )
        length = int(bar_space * value / largest) if largest and value > 0 else 0
        if length:
            draw.rectangle(
                [(bar_left, y), (bar_left + length, y + bar_height)], fill=BAR_COLOUR
            )
        shown = f"{value}{spec.get('unit') or ''}"
        draw.text(
            (bar_left + length + SCALE, y + bar_height / 2),
            shown,
            fill=TEXT_COLOUR,
            font=font,
            anchor="lm",
        )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
