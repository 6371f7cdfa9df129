"""WCAG 2.2 contrast, for the tests that check the colours Tandem draws with."""

from __future__ import annotations


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB "#rrggbb" colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, from 1 to 21."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: str, background: str, opacity: float) -> str:
    """``colour`` drawn at ``opacity`` on ``background``: the colour the reader sees."""
    fg = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    bg = [int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(opacity * f + (1 - opacity) * b):02x}" for f, b in zip(fg, bg, strict=True)
    )
