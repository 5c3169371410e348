"""The site's mark, drawn once here and written out as every file that shows it.

A speech bubble (customer service: a conversation) holding a ladder of three rungs (the three
roles, the associate, the agent and the manager, as the career ladder draws them); the top rung,
the manager's, in amber. The site's name is never part of the mark: templates set it as text, in
the reader's language.

Run from the repository's root after changing the design, and commit what it writes:

    .venv/bin/python tools/draw_icons.py

It writes logo.svg (the header's and footer's mark), icon.svg (browsers' tab icon), favicon.ico
(16, 32 and 48 px, answered at /favicon.ico), apple-touch-icon.png (180 px) and icon-192.png,
icon-512.png (the web manifest's).
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent.parent / "static" / "brand"  # where it writes

BLUE = "#0b57a4"  # the site's accent (static/css/site.css, --color-accent)
WHITE = "#ffffff"
AMBER = "#f5b83d"

# The mark on a 64-unit square: (kind, colour, geometry).
BUBBLE = [
    ("rect", "bubble", (6, 8, 52, 38, 11)),  # x, y, width, height, corner radius
    ("polygon", "bubble", ((14, 44), (11, 58), (29, 44))),  # the tail
]
LADDER = [
    ("rect", "ladder", (23, 12, 4, 30, 0)),  # the rails
    ("rect", "ladder", (37, 12, 4, 30, 0)),
    ("rect", "top", (23, 17, 18, 4, 0)),  # the rungs, the manager's on top
    ("rect", "ladder", (23, 25, 18, 4, 0)),
    ("rect", "ladder", (23, 33, 18, 4, 0)),
]
SHAPES = BUBBLE + LADDER

ON_LIGHT = {"bubble": BLUE, "ladder": WHITE, "top": AMBER}
# The home-screen icon is a full square (the system rounds its corners): a white bubble on blue.
TILE = {"bubble": WHITE, "ladder": BLUE, "top": "#c77800"}


def svg(colours: dict[str, str], view_box: str = "0 0 64 64") -> str:
    """The mark as SVG; the tab icon's `view_box` crops the margin, so that the mark fills it."""
    parts = []
    for kind, role, geometry in SHAPES:
        fill = colours[role]
        if kind == "rect":
            x, y, width, height, radius = geometry
            corner = f' rx="{radius}"' if radius else ""
            parts.append(
                f'<rect x="{x}" y="{y}" width="{width}" height="{height}"{corner} fill="{fill}"/>'
            )
        else:
            points = " ".join(f"{x},{y}" for x, y in geometry)
            parts.append(f'<polygon points="{points}" fill="{fill}"/>')
    body = "\n  ".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" width="64" height="64">\n'
        f"  {body}\n</svg>\n"
    )


def raster(size: int, colours: dict[str, str], background=None, scale: float = 1.0) -> Image:
    """The mark at `size` px, drawn eight times larger and reduced, so that its edges are smooth;
    `scale` below 1 leaves a margin around it."""
    big = size * 8
    unit = big / 64 * scale
    offset = (big - 64 * unit) / 2
    image = Image.new("RGBA", (big, big), background or (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def at(x, y):
        return offset + x * unit, offset + y * unit

    for kind, role, geometry in SHAPES:
        fill = colours[role]
        if kind == "rect":
            x, y, width, height, radius = geometry
            box = (*at(x, y), *at(x + width, y + height))
            draw.rounded_rectangle(box, radius=radius * unit, fill=fill)
        else:
            draw.polygon([at(x, y) for x, y in geometry], fill=fill)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (HERE / "logo.svg").write_text(svg(ON_LIGHT))
    (HERE / "icon.svg").write_text(svg(ON_LIGHT, view_box="3 4.5 58 58"))
    sizes = [16, 32, 48]
    icons = [raster(size, ON_LIGHT, scale=1.12) for size in sizes]
    icons[-1].save(
        HERE / "favicon.ico",
        format="ICO",
        sizes=[(size, size) for size in sizes],
        append_images=icons[:-1],
    )
    raster(180, TILE, background=BLUE, scale=0.8).convert("RGB").save(
        HERE / "apple-touch-icon.png", optimize=True
    )
    for size in (192, 512):
        raster(size, TILE, background=BLUE, scale=0.8).convert("RGB").save(
            HERE / f"icon-{size}.png", optimize=True
        )


if __name__ == "__main__":
    main()
