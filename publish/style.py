"""The look of every chart, defined once: font, palettes, orders and the common layout.

The chart builders (`publish.figures`), the static renderer and the PDF report read these names
from here. Colours: a colour-blind-safe palette whose marks reach 3:1 on white, cividis for sequential scales.
Font: a CJK family first so PNG/PDF exports render Chinese (fonts-wqy-microhei on Debian).
The category and program-group orders are the contract's (`contract.CATEGORIES`,
`contract.PROGRAM_GROUPS`); they are not repeated here. No Streamlit import, no words. Loaded text
reaches a figure only through `html_text`, so a name is drawn as text, never as markup.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from contract import PROGRAM_GROUPS

if TYPE_CHECKING:  # plotly is only needed by whoever passes a figure in
    import plotly.graph_objects as go

FONT_FAMILY = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
# Categories: every mark at least 3:1 against the white background (WCAG 1.4.11) and the colours kept
# apart for protan, deutan and tritan vision (tests/publish/test_palette.py simulates them, Machado
# 2009). The first four are Okabe & Ito's that pass 3:1; their orange, sky blue and yellow (2.3, 2.3
# and 1.3:1) are replaced by a brown, a violet and a slate found by a max-min search over the colours
# that pass, black kept last. Past len(PALETTE) series a chart adds a pattern (PATTERNS), never a tint.
BLUE, VERMILLION, GREEN, PURPLE = "#0072B2", "#D55E00", "#009E73", "#CC79A7"
BROWN, VIOLET, SLATE, BLACK = "#774422", "#8800FF", "#554455", "#000000"
PALETTE = (BLUE, VERMILLION, GREEN, PURPLE, BROWN, VIOLET, SLATE, BLACK)
PATTERNS = ("", "/", ".", "x")   # one per round of PALETTE
BACKGROUND = "#FFFFFF"
MARK_CONTRAST = 3.0   # WCAG 1.4.11, graphical objects
TEXT_CONTRAST = 4.5   # WCAG 1.4.3, text
SEQUENTIAL = "Cividis"
TEMPLATE = "plotly_white"   # plotly's default template, set once by publish.figures (base_layout does not repeat it)
# the part of cividis whose colours still reach MARK_CONTRAST on white (bars coloured by an order)
SEQUENTIAL_MARK_RANGE = (0.0, 0.6)
BEFORE_COLOR, AFTER_COLOR = VERMILLION, BLUE   # distinct for every CVD type
# the edition's colours (the page banner, the report's running header, a chart file's footnote):
# white bold text on them, or them as text on white, at 8.9:1 (内部版) and 7.9:1 (公开版)
EDITION_INTERNAL, EDITION_PUBLIC = "#8a1c1c", "#1d5e2e"
GROUP_COLORS = dict(zip(PROGRAM_GROUPS, PALETTE))
AGE_BAND_ORDER = ("0-6", "7-17", "18-59", "60+")


def html_text(value: object) -> str:
    """Loaded text (a town, village or program name) as plotly must receive it to show it literally.

    Plotly reads every label, tick, legend entry, annotation and hover text as a small HTML subset
    (`<a href>` becomes a live link, `<b>`, `<br>`, entities): `&`, `<` and `>` are written as the
    entities plotly decodes (it has no `&quot;`, and quotes outside a tag are harmless). Every
    data-derived label of a figure goes through here, and the report PDF's text too."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def base_layout(fig: go.Figure, title: str, *, height: int = 420, legend: bool = True) -> go.Figure:
    """Common look: CJK font, `title`, compact margins, horizontal legend on top (the white template
    `TEMPLATE` is plotly's default, set once by publish.figures)."""
    fig.update_layout(
        font=dict(family=FONT_FAMILY, size=14, color="#222"),
        # left-aligned like the axis labels, but padded: at x=0 of the container it touched the image edge
        title=dict(text=html_text(title), x=0, xanchor="left", xref="container", pad=dict(l=14), font=dict(size=17)),
        height=height,
        margin=dict(l=10, r=20, t=70, b=40),
        colorway=list(PALETTE),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        hoverlabel=dict(font_family=FONT_FAMILY),
        separators=".,",
    )
    return fig


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def rgb_of(color: str) -> tuple[int, int, int]:
    """'#rrggbb' or 'rgb(r, g, b)' as a tuple of ints."""
    color = color.strip()
    if color.startswith("#"):
        return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    inner = color[color.index("(") + 1:color.rindex(")")]
    return tuple(round(float(v)) for v in inner.split(",")[:3])  # type: ignore[return-value]


def luminance(color: str) -> float:
    """WCAG relative luminance of a colour."""
    r, g, b = (_linear(c) for c in rgb_of(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = BACKGROUND) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_color_on(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`: always at least 4.58:1."""
    return "#000000" if contrast("#000000", fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def series_style(i: int) -> dict:
    """Colour and pattern of the i-th series of a chart: the palette, then the palette again with a
    pattern, so series past len(PALETTE) are told apart by more than a tint."""
    rnd, k = divmod(i, len(PALETTE))
    shape = PATTERNS[rnd % len(PATTERNS)]
    marker: dict = {"color": PALETTE[k]}
    if shape:
        marker["pattern"] = {"shape": shape, "fgcolor": "#FFFFFF", "size": 7, "solidity": 0.3}
    return marker
