"""The look of every chart, defined once: font, palettes, orders and the common layout.

The chart builders (`publish.figures`), the static renderer and the PDF report read these names
from here. Colours: Okabe–Ito for categories, cividis for sequential scales (both colour-blind safe).
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
# Okabe & Ito (2008), black moved last; the order keeps the two most distinct colours first.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
TEMPLATE = "plotly_white"   # plotly's default template, set once by publish.figures (base_layout does not repeat it)
BEFORE_COLOR, AFTER_COLOR = "#D55E00", "#0072B2"   # vermillion / blue: distinct for every CVD type
GROUP_COLORS = dict(zip(PROGRAM_GROUPS, OKABE_ITO))
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
        colorway=OKABE_ITO,
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        hoverlabel=dict(font_family=FONT_FAMILY),
        separators=".,",
    )
    return fig


def tint(hex_color: str, amount: float) -> str:
    """`hex_color` mixed with white by `amount` (0 = unchanged, 1 = white)."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
