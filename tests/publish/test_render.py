"""The kaleido renderer keeps its page loaded between renders (publish/render.py): nothing of one
render may reach the next. Real Chromium, real kaleido; a missing Chromium fails these tests.

Plotly names its clip paths and traces with random ids on every render; the figures here give their
traces fixed uids and the comparison replaces the layout's random id, so the SVGs compare exactly.
"""
from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from publish.render import render_session

pytestmark = [pytest.mark.browser]


def _bars(title: str, n: int) -> go.Figure:
    fig = go.Figure(go.Bar(x=[f"类别{i}" for i in range(n)], y=list(range(1, n + 1)), uid="bars",
                           text=[str(i) for i in range(1, n + 1)], textposition="outside"))
    return fig.update_layout(title=title, font_family="WenQuanYi Micro Hei")


def _table(title: str) -> go.Figure:
    fig = go.Figure(go.Table(uid="table", header=dict(values=["指标", "数值"]),
                             cells=dict(values=[["发放金额", "人数"], ["1,234 元", "56"]])))
    return fig.update_layout(title=title, font_family="WenQuanYi Micro Hei")


def _stable(svg: bytes) -> str:
    """The SVG with plotly's random ids replaced and each tag's attributes in name order (the browser
    serialises the root's `style` before or after `viewBox` depending on when plotly set it)."""
    text = svg.decode("utf-8")
    for uid in set(re.findall(r'id="defs-([0-9a-f]+)"', text)):
        text = text.replace(uid, "UID")
    def tag(m: re.Match) -> str:
        attributes = sorted(re.findall(r'[\w:-]+="[^"]*"', m.group(2)))
        return "<" + m.group(1) + "".join(" " + a for a in attributes) + m.group(3) + ">"

    return re.sub(r'<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")+)(\s*/?)>', tag, text)


def _page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def test_a_render_on_the_kept_page_is_the_render_on_a_fresh_one():
    first = _bars("第一张 first", 3)
    other = _table("另一张 other")
    with render_session() as r:
        fresh = r.render(first, "svg", width=600, height=400)
        # other figures, other sizes and every format in between: a PDF render leaves its image in the page
        r.render(other, "pdf", width=1123, height=794)
        r.render(_bars("第三张", 9), "png", width=900, height=300, scale=2)
        r.render(other, "svg", width=800, height=500)
        again = r.render(first, "svg", width=600, height=400)
        pdf_small = r.render(first, "pdf", width=600, height=400)
        pdf_page = r.render(other, "pdf", width=1123, height=794)
        assert r.calls == 7
    assert _stable(again) == _stable(fresh)
    assert "第一张 first" in fresh.decode("utf-8") and "另一张" not in again.decode("utf-8")
    # each PDF is its own figure's size (CSS px × 0.75 pt), not the size of the page printed before it
    assert _page_size(pdf_small) == pytest.approx((450, 300), abs=1.5)
    assert _page_size(pdf_page) == pytest.approx((842, 595.5), abs=1.5)



def test_png_and_pdf_converted_from_the_svg_are_kaleidos_own():
    """The pack draws each chart once (SVG) and converts it on the page (Renderer.submit_from_svg): the PNG
    has exactly the pixels of kaleido's PNG of the figure, the PDF the same page, text and drawing as
    kaleido's PDF (both rasterised by poppler), for a bar chart and a table, around other renders."""
    figs = [(_bars("转换 convert", 5), 700, 420), (_table("表格 table"), 640, 300)]
    with render_session() as r:
        got = []
        for fig, w, h in figs:
            svg = r.submit(fig, "svg", width=w, height=h)
            derived = (r.submit_from_svg(svg, "png", width=w, height=h, scale=3),
                       r.submit_from_svg(svg, "pdf", width=w, height=h))
            own = (r.render(fig, "png", width=w, height=h, scale=3), r.render(fig, "pdf", width=w, height=h))
            got.append(([d.result() for d in derived], own))
        with pytest.raises(ValueError):
            r.submit_from_svg(svg, "svg", width=10, height=10)
        assert r.calls == 4 * len(figs) + len(figs)
    for (png, pdf), (own_png, own_pdf) in got:
        a, b = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(own_png))
        assert a.size == b.size and a.size[0] in (2100, 1920)
        assert ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).getbbox() is None   # no pixel differs
        assert _page_size(pdf) == pytest.approx(_page_size(own_pdf), abs=0.01)
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert text == PdfReader(io.BytesIO(own_pdf)).pages[0].extract_text()
        assert "转换" in text or "表格" in text
        assert ImageChops.difference(_poppler(pdf), _poppler(own_pdf)).getbbox() is None


def _poppler(pdf: bytes):
    """The PDF's first page rasterised by poppler at 72 dpi."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(Path(tmp) / "p")], check=True)
        return Image.open(Path(tmp) / "p.png").convert("RGB").copy()
