"""Chart colours a reader with low vision or colour-blindness can tell apart (WCAG 2.1 AA).

Numbers, not looks: the WCAG contrast ratio of every mark against the white background (1.4.11,
3:1) and of every heatmap value against its cell (1.4.3, 4.5:1); the palette's colours kept apart
(CIE76 ΔE in CIELAB) for normal vision and simulated protan, deutan and tritan vision (Machado,
Oliveira & Fernandes 2009, severity 1.0); past eight series a pattern, not a paler tint. Then every
chart of the demo district, drawn by the registry, is checked mark by mark.
"""
from __future__ import annotations

import itertools

import numpy as np
import plotly.colors as pc
import pytest

import queries
from publish import charts, style
from publish.charts import Selection

# Machado et al. 2009, severity 1.0, on linear RGB
CVD = {
    "normal": np.eye(3),
    "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE_XYZ = np.array([0.95047, 1.0, 1.08883])


def lab(color: str, vision: str = "normal") -> np.ndarray:
    rgb = np.array([style._linear(c) for c in style.rgb_of(color)])
    xyz = SRGB_TO_XYZ @ np.clip(CVD[vision] @ rgb, 0, 1) / WHITE_XYZ
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_contrast_ratio_by_hand():
    # WCAG's own anchors: black on white 21:1, a colour on itself 1:1, #767676 is the 4.5:1 grey
    assert style.contrast("#000000") == pytest.approx(21.0)
    assert style.contrast("#0072B2", "#0072B2") == pytest.approx(1.0)
    assert style.contrast("#767676") == pytest.approx(4.54, abs=0.01)
    # the Okabe–Ito colours the issue measured: yellow 1.32, orange 2.25, sky 2.31
    assert [round(style.contrast(c), 2) for c in ("#F0E442", "#E69F00", "#56B4E9")] == [1.32, 2.25, 2.31]
    assert style.rgb_of("rgb(0, 34, 78)") == (0, 34, 78)


def test_every_palette_colour_reaches_3_to_1_on_white():
    for colour in style.PALETTE:
        assert style.contrast(colour) >= style.MARK_CONTRAST, colour


@pytest.mark.parametrize("vision", list(CVD))
def test_palette_colours_stay_apart_for_every_vision(vision):
    labs = {c: lab(c, vision) for c in style.PALETTE}
    closest = min(float(np.linalg.norm(labs[a] - labs[b])) for a, b in itertools.combinations(style.PALETTE, 2))
    # Okabe–Ito itself reaches 16.1 (tritan); the failing pair was 6
    assert closest >= 16.0, (vision, closest)


def test_text_colour_on_any_fill_reaches_4_5_to_1():
    for t in np.linspace(0, 1, 101):
        fill = pc.sample_colorscale(style.SEQUENTIAL, [float(t)])[0]
        assert style.contrast(style.text_color_on(fill), fill) >= style.TEXT_CONTRAST, fill


def test_sequential_marks_keep_3_to_1():
    lo, hi = style.SEQUENTIAL_MARK_RANGE
    for t in np.linspace(lo, hi, 25):
        fill = pc.sample_colorscale(style.SEQUENTIAL, [float(t)])[0]
        assert style.contrast(fill) >= style.MARK_CONTRAST, (t, fill)


def test_fifteen_series_are_fifteen_distinct_looks():
    looks = [(m["color"], m.get("pattern", {}).get("shape", "")) for m in map(style.series_style, range(15))]
    assert len(set(looks)) == 15
    assert all(style.contrast(c) >= style.MARK_CONTRAST for c, _ in looks)
    assert [shape for _, shape in looks[:8]] == [""] * 8 and {shape for _, shape in looks[8:]} == {"/"}


# ---------------------------------------------------------------- every chart of the demo district
def _colours(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


@pytest.fixture(scope="module")
def rendered(demo_db):
    con = queries.connect(demo_db)
    try:
        run = charts.direct_runner(con)
        town = str(queries.coverage_by(con, 2020, by="town")["value"].iloc[0])
        out = []
        for sel in (Selection(year=2020), Selection(year=2020, town=town)):
            for spec in charts.specs_for(sel):
                for public in (False, True):
                    out.append(charts.render(spec.id, sel, charts.labels("zh"), run=run, public=public))
        yield out
    finally:
        con.close()


def test_every_mark_of_every_chart_reaches_3_to_1(rendered):
    checked = 0
    for r in rendered:
        if r.fig is None:
            continue
        for tr in r.fig.data:
            if tr.type == "bar":
                colours = _colours(tr.marker.color)
            elif tr.type in ("scatter", "box") and getattr(tr, "mode", None) not in ("text", "lines"):
                colours = _colours(tr.marker.color) + _colours(getattr(tr.line, "color", None))
            else:
                continue
            for colour in colours:
                checked += 1
                assert style.contrast(colour) >= style.MARK_CONTRAST, (r.spec.id, tr.name, colour)
    assert checked > 40


def test_heatmap_values_reach_4_5_to_1_on_their_cells(rendered):
    seen = 0
    for r in rendered:
        if r.spec.id != "coverage.heatmap" or r.fig is None:
            continue
        heat = next(tr for tr in r.fig.data if tr.type == "heatmap")
        values = {(x, y): v for y, row in zip(heat.y, heat.z) for x, v in zip(heat.x, row)}
        layer = next(tr for tr in r.fig.data if tr.type == "scatter" and tr.mode == "text")
        for x, y, colour in zip(layer.x, layer.y, layer.textfont.color):
            v = values[(x, y)]
            # a hidden cell (the public edition's "<5" / "*") is not drawn: its mark is on the background
            hidden = v is None or np.isnan(v)
            cell = style.BACKGROUND if hidden else pc.sample_colorscale(style.SEQUENTIAL, [float(v)])[0]
            assert style.contrast(colour, cell) >= style.TEXT_CONTRAST, (x, y, cell, colour)
            seen += 1
        assert not heat.texttemplate  # plotly's own text (white on mid cells, 3.2:1) is off
    assert seen >= 28  # 7 categories × 4 grades in the district view
