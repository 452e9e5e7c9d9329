"""What every page needs to be usable with a screen reader, a keyboard and low vision (WCAG 2.1 AA),
in one call from the entry script: `a11y.frame(lang, page_title, public)`.

- The document language follows the UI language. Streamlit serves `<html lang="en">` whatever the
  page says, and offers no option for it; a small script in the page (st.html with JavaScript, not an
  iframe, not a patched index.html) sets `lang="zh-CN"` or `"en"` and keeps it set (a
  MutationObserver, since Streamlit's frontend may render the root again).
- Each page has its own document title ("覆盖 · 区残联惠残补助绩效看板"), through st.set_page_config.
- Streamlit's own accessible names (the skip link, the sidebar, the main menu, help buttons, the
  dataframe toolbar, the chart toolbar) are given in the page's language by the same script, from
  the `a11y.*` messages of vocab/text.py.
- Every chart is exposed as one image named by its summary: the plot's SVG layers are hidden from
  assistive technology and the first is given role="img" with the summary (st.plotly_chart's `alt`)
  as its name, instead of every tick label read in reverse.
- Styles (one <style>): captions and essential text at ≥ 4.5:1, KPI tiles that wrap instead of
  cutting a value or its unit with "…", a visible focus ring, and the edition banner.
- The edition banner (内部版 / 公开版) is drawn at the top of every page, coloured and bold.

No data is read here; the page's text is escaped where it is put into HTML or JSON.
"""
from __future__ import annotations

import html
import json

import streamlit as st

from publish.style import EDITION_INTERNAL, EDITION_PUBLIC
from vocab import t

CAPTION_COLOR = "#4a5566"     # 7.4:1 on white (Streamlit's caption grey #828180 is 3.88:1)
FOCUS_COLOR = "#1f5fa8"       # 6.3:1 on white: the focus ring
INTERNAL_BG = EDITION_INTERNAL   # white bold text on it: 8.9:1 (publish.style, the report's colour too)
LOCKED_LABEL = "#31333f"      # every widget label, a locked one too (Streamlit fades it to 2.3:1): 12:1
PUBLIC_BG = EDITION_PUBLIC       # 7.9:1
# Streamlit's and plotly's English accessible names -> message keys (given in the page's language)
NAMES = {
    "Skip to main content": "a11y.skip",
    "Sidebar": "a11y.sidebar",
    "Collapse sidebar": "a11y.collapse_sidebar",
    "Expand sidebar": "a11y.expand_sidebar",
    "App pages": "a11y.app_pages",
    "Main menu": "a11y.main_menu",
    "Open": "a11y.open",
    "Close": "a11y.close",
    "Clear all": "a11y.clear_all",
    "Fullscreen": "a11y.fullscreen",
    "Close fullscreen": "a11y.close_fullscreen",
    "Download as CSV": "a11y.download_csv",
    "Search": "a11y.search",
    "Show/hide columns": "a11y.columns",
    "Download plot as a PNG": "a11y.download_plot",
    "Reset axes": "a11y.reset_axes",
    "Link to heading": "a11y.heading_link",
}
HELP_PREFIX = "Help for "


def plotly_config(lang: str) -> dict:
    """The chart toolbar every chart gets: only 'download as PNG' and 'reset axes' (two tab stops, not
    eight), no plotly logo, in the page's language (plotly's own locale mechanism, with the strings
    its zh-CN locale uses for these buttons)."""
    config = {"displaylogo": False, "modeBarButtons": [["toImage", "resetScale2d"]],
              "locale": "zh-CN" if lang == "zh" else "en"}
    if lang == "zh":
        config["locales"] = {"zh-CN": {"dictionary": {
            "Download plot as a png": t("a11y.download_plot", lang), "Download plot": t("a11y.download_plot", lang),
            "Reset axes": t("a11y.reset_axes", lang), "Double-click to zoom back out": t("a11y.zoom_back", lang),
        }}}
    return config


def _style() -> str:
    return f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="stMetricDeltaDescription"], [data-testid="stWidgetLabel"] small {{ color: {CAPTION_COLOR} !important; }}
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}  /* Streamlit fades captions to 60 % */
[data-testid="stCaptionContainer"] code {{ color: {CAPTION_COLOR} !important; }}
/* KPI tiles: a value or a unit is never cut with an ellipsis, at 1024 px or 200 % zoom: it wraps */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] *,
[data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; height: auto !important; max-width: 100% !important; }}
div:has(> [data-testid="stMetricDelta"]) {{ flex-wrap: wrap !important; row-gap: 0.25rem; }}
[data-testid="stMetricValue"] {{ font-size: clamp(1.35rem, 2.2vw, 2.25rem) !important; line-height: 1.2; }}
/* a focus ring that can be seen on every control, navigation first */
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, [role="tab"]:focus-visible,
[role="radio"]:focus-visible, [role="checkbox"]:focus-visible, [role="switch"]:focus-visible,
[tabindex]:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible {{
  outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px !important; }}
[data-testid="stSidebar"] h2 {{ font-size: 1.1rem !important; padding-top: 0.5rem !important; }}
/* a locked control (a caseworker's own town) stays readable: its label at ≥ 4.5:1, not Streamlit's faded grey */
[data-testid="stWidgetLabel"] p, [data-testid="stWidgetLabel"] label {{ color: {LOCKED_LABEL} !important; }}
.st-key-edition_banner {{ border-radius: 0.4rem; padding: 0.45rem 0.9rem; }}
.st-key-edition_banner:has(.edition-internal) {{ background: {INTERNAL_BG}; }}
.st-key-edition_banner:has(.edition-public) {{ background: {PUBLIC_BG}; }}
.st-key-edition_banner p, .st-key-edition_banner span {{ color: #ffffff !important; font-weight: 700; margin: 0; }}
</style>"""


def _script(lang: str, title: str) -> str:
    names = {en: t(key, lang) for en, key in NAMES.items()} if lang == "zh" else {}
    help_fmt = t("a11y.help_for", lang, name="{name}") if lang == "zh" else ""
    data = json.dumps({"lang": "zh-CN" if lang == "zh" else "en", "names": names, "help": help_fmt,
                       "title": title}, ensure_ascii=False).replace("</", "<\\/")
    return """<script>
(() => {
  const cfg = %s;
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const name = (s) => {
    if (!s) return null;
    if (cfg.names[s]) return cfg.names[s];
    if (cfg.help && s.startsWith("%s")) return cfg.help.replace("{name}", s.slice(%d));
    return null;
  };
  const fix = () => {
    const root = doc.documentElement;
    if (root.lang !== cfg.lang) root.lang = cfg.lang;
    if (doc.title !== cfg.title) doc.title = cfg.title;
    for (const el of doc.querySelectorAll("[aria-label], [data-title], [title]")) {
      for (const attr of ["aria-label", "data-title", "title"]) {
        const v = el.getAttribute(attr); const n = name(v);
        if (n && n !== v) el.setAttribute(attr, n);
      }
    }
    for (const a of doc.querySelectorAll("a")) {
      if (a.childElementCount === 0) { const n = name(a.textContent.trim()); if (n) a.textContent = n; }
    }
    // each chart: one image named by its summary (st.plotly_chart's alt), not a list of tick labels
    for (const box of doc.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const summary = box.getAttribute("aria-label") || "";
      box.querySelectorAll("svg.main-svg").forEach((svg, i) => {
        if (i === 0) {
          if (svg.getAttribute("role") !== "img") svg.setAttribute("role", "img");
          if (svg.getAttribute("aria-label") !== summary) svg.setAttribute("aria-label", summary);
        } else if (svg.getAttribute("aria-hidden") !== "true") {
          svg.setAttribute("aria-hidden", "true");
        }
      });
    }
  };
  fix();
  const w = window.parent || window;
  if (w.__a11yObserver) w.__a11yObserver.disconnect();
  let queued = false;
  w.__a11yObserver = new MutationObserver(() => {
    if (queued) return; queued = true;
    w.requestAnimationFrame(() => { queued = false; fix(); });
  });
  w.__a11yObserver.observe(doc.documentElement, {subtree: true, childList: true, attributes: true,
    attributeFilter: ["lang", "aria-label", "data-title", "title"]});
})();
</script>""" % (data, HELP_PREFIX, len(HELP_PREFIX))


def frame(lang: str, page_title: str, public: bool, k: int) -> None:
    """Everything above: the page's title and language, styles, names, and the edition banner."""
    document(lang, page_title)
    edition_banner(lang, public, k)


def document(lang: str, page_title: str) -> None:
    """The page's title and language, styles and names, without the banner: also for the sign-in
    page, which shows no data (it was served as lang="en" with the app's one title)."""
    title = f"{page_title} · {t('app_title', lang)}"
    st.set_page_config(page_title=title)
    st.html(_style())   # styles only: Streamlit puts it in the event container, it takes no space
    with st.sidebar:
        st.html(_script(lang, title), unsafe_allow_javascript=True)


def edition_banner(lang: str, public: bool, k: int) -> None:
    """内部版 / 公开版 at the top of the page: white bold text on dark red (internal) or green (public)."""
    kind = "public" if public else "internal"
    text = t("public_banner", lang, k=k) if public else t("internal_banner", lang, k=k)
    with st.container(key="edition_banner"):
        st.html(f'<p class="edition-{kind}" role="note">{html.escape(text)}</p>')
