"""Makes the test leaflets' pictures: a logo and a pacing strip (PNG), a photograph-like scene (JPEG).

The diagram (diagram.svg) is written by hand. Run from this folder:
python make_images.py. The pictures are small (well under 20 KB each).
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter


def logo() -> None:
    """A plain mark: a dark square holding a light leaf shape, on transparent ground."""
    im = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([4, 4, 116, 116], radius=18, fill=(18, 58, 99, 255))
    d.ellipse([26, 30, 94, 90], fill=(232, 239, 247, 255))
    d.line([34, 84, 88, 36], fill=(18, 58, 99, 255), width=6)
    for i, x in enumerate(range(136, 356, 44)):
        d.rectangle([x, 40 + (i % 2) * 14, x + 30, 80], fill=(31, 92, 153, 255))
    im.save("logo.png", optimize=True)


def photo() -> None:
    """Sky, hills and a path, with grain: compresses like a photograph, not like a drawing."""
    rng = random.Random(7)
    w, h = 360, 240
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            if y < 120:
                base = (150 + y // 3, 190 + y // 6, 235)
            else:
                base = (60 + (x // 9) % 20, 120 + (y - 120) // 3, 60)
            n = rng.randint(-14, 14)
            px[x, y] = tuple(max(0, min(255, c + n)) for c in base)
    d = ImageDraw.Draw(im)
    d.polygon(
        [(0, 140), (90, 100), (200, 135), (300, 95), (360, 120), (360, 160), (0, 170)], fill=(70, 110, 70)
    )
    d.polygon([(160, 240), (200, 240), (186, 150), (180, 150)], fill=(190, 170, 130))
    im = im.filter(ImageFilter.GaussianBlur(0.8))
    im.save("photo.jpg", quality=60, optimize=True)


def pacing() -> None:
    """A day as a strip of blocks: dark for activity, light for rest, in turn."""
    im = Image.new("RGB", (480, 120), (255, 255, 255))
    d = ImageDraw.Draw(im)
    blocks = [
        (0, 90, True),
        (90, 130, False),
        (130, 230, True),
        (230, 290, False),
        (290, 380, True),
        (380, 480, False),
    ]
    for x0, x1, active in blocks:
        fill = (18, 58, 99) if active else (232, 239, 247)
        d.rectangle([x0 + 2, 20, x1 - 2, 100], fill=fill, outline=(18, 58, 99), width=3)
    im.save("pacing.png", optimize=True)


if __name__ == "__main__":
    logo()
    photo()
    pacing()
