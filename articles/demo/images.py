"""Generated demo photos: a bay with limestone islands at a random hour, since the originals are not ours."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def bay_photo(seed: int, width: int = 1200, height: int = 800) -> SimpleUploadedFile:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.68))
    sky_top = (rng.randint(40, 120), rng.randint(110, 170), rng.randint(180, 235))
    sky_bottom = (rng.randint(220, 255), rng.randint(190, 230), rng.randint(150, 200))
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(sky_top, sky_bottom, strict=True)),
        )
    sea = (rng.randint(20, 60), rng.randint(90, 130), rng.randint(110, 150))
    draw.rectangle([0, horizon, width, height], fill=sea)
    for layer in range(3):
        shade = tuple(max(0, channel - 40 + layer * 25) for channel in (60, 90, 80))
        x = rng.randint(-100, 100)
        while x < width:
            peak_width = rng.randint(60, 220)
            peak_height = rng.randint(80, 280) // (layer + 1)
            base = horizon + layer * 6
            draw.polygon(
                [
                    (x, base),
                    (x + peak_width * 0.2, base - peak_height),
                    (x + peak_width * 0.8, base - peak_height * 0.9),
                    (x + peak_width, base),
                ],
                fill=shade,
            )
            x += peak_width + rng.randint(20, 260)
    for _ in range(rng.randint(2, 5)):
        bx, by = rng.randint(0, width - 120), rng.randint(horizon + 20, height - 60)
        draw.polygon([(bx, by), (bx + 110, by), (bx + 90, by + 25), (bx + 15, by + 25)], fill=(235, 225, 200))
        draw.rectangle([bx + 45, by - 45, bx + 60, by], fill=(200, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")
