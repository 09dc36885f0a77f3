"""Draw the Teams app icons: ``color.png`` (192x192) and ``outline.png`` (32x32).

Standard library only (PNG written with zlib/struct). The design: a rounded square in an
Interact-like blue holding a white "community network" - a hub with five members around it,
joined by spokes and a ring. ``outline.png`` is the same network, white on transparent, as
Teams asks for the outline icon. Drawing uses signed distances with one pixel of smoothing, so
edges are anti-aliased; the output is deterministic (same bytes for the same zlib).

    python manifest/make_icons.py            # rewrite manifest/color.png and manifest/outline.png
    python manifest/make_icons.py OUT_DIR    # write them elsewhere
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLOR_SIZE = 192
OUTLINE_SIZE = 32
BLUE_TOP = (0x2B, 0x6C, 0xC4)  # background gradient, top ...
BLUE_BOTTOM = (0x17, 0x4A, 0x93)  # ... to bottom (accentColor in the manifest: #1F5AA6)
WHITE = (0xFF, 0xFF, 0xFF)
MEMBERS = 5  # people around the hub

Point = tuple[float, float]
Distance = Callable[[float, float], float]


# --------------------------------------------------------------------------- shapes


def circle(cx: float, cy: float, r: float) -> Distance:
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def segment(a: Point, b: Point, width: float) -> Distance:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy

    def d(x: float, y: float) -> float:
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
        return math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - width / 2

    return d


def rounded_square(x0: float, y0: float, x1: float, y1: float, radius: float) -> Distance:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius

    def d(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return d


def union(shapes: Sequence[Distance]) -> Distance:
    return lambda x, y: min(s(x, y) for s in shapes)


def coverage(shape: Distance, x: int, y: int) -> float:
    """How much of pixel (x, y) the shape covers, from its distance at the pixel centre."""
    return max(0.0, min(1.0, 0.5 - shape(x + 0.5, y + 0.5)))


def network(
    size: float, *, hub: float, member: float, orbit: float, spoke: float, ring: float
) -> Distance:
    """The community network, centred in a ``size`` square; lengths are fractions of size."""
    r = orbit * size
    cx = size / 2
    cy = size / 2 + r * (1 - math.cos(math.pi / MEMBERS)) / 2  # centre the polygon's height
    members = [
        (cx + r * math.cos(a), cy + r * math.sin(a))
        for a in (math.radians(-90 + 360 / MEMBERS * i) for i in range(MEMBERS))
    ]
    shapes: list[Distance] = [circle(cx, cy, hub * size)]
    for i, (mx, my) in enumerate(members):
        shapes.append(circle(mx, my, member * size))
        shapes.append(segment((cx, cy), (mx, my), spoke * size))
        shapes.append(segment((mx, my), members[(i + 1) % MEMBERS], ring * size))
    return union(shapes)


# --------------------------------------------------------------------------- icons

Pixels = bytearray  # RGBA, row by row


def color_icon(size: int = COLOR_SIZE) -> Pixels:
    background = rounded_square(0, 0, size, size, size * 0.19)
    mark = network(size, hub=0.085, member=0.064, orbit=0.3, spoke=0.032, ring=0.022)
    out = bytearray()
    for y in range(size):
        t = (y + 0.5) / size
        blue = [
            round(top + (bottom - top) * t)
            for top, bottom in zip(BLUE_TOP, BLUE_BOTTOM, strict=True)
        ]
        for x in range(size):
            alpha = coverage(background, x, y)
            white = coverage(mark, x, y)
            rgb = [round(b + (w - b) * white) for b, w in zip(blue, WHITE, strict=True)]
            out += bytes((*rgb, round(255 * alpha)))
    return out


def outline_icon(size: int = OUTLINE_SIZE) -> Pixels:
    mark = network(size, hub=0.11, member=0.085, orbit=0.36, spoke=0.05, ring=0.047)
    out = bytearray()
    for y in range(size):
        for x in range(size):
            out += bytes((*WHITE, round(255 * coverage(mark, x, y))))
    return out


# --------------------------------------------------------------------------- PNG


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rgba: bytes) -> bytes:
    """An 8-bit RGBA PNG; every row uses filter 0, so the zlib stream is the raw pixels."""
    stride = width * 4
    if len(rgba) != stride * height:
        raise ValueError(f"expected {stride * height} bytes of RGBA, got {len(rgba)}")
    raw = b"".join(b"\x00" + rgba[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def write_icons(directory: Path = HERE) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, draw in (
        ("color.png", COLOR_SIZE, color_icon),
        ("outline.png", OUTLINE_SIZE, outline_icon),
    ):
        path = directory / name
        path.write_bytes(png(size, size, draw(size)))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or (args and args[0].startswith("-")):
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        return 2
    for path in write_icons(Path(args[0]) if args else HERE):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
