"""Sidebar filters, language and their mirror in the URL (st.query_params).

Every filter widget lives in the entry script's sidebar, so its value survives page switches. The
URL is the shareable form of the selection: on the first run of a session the query string is read
once (`?lang=en&year=2020&town=…&category=肢体&group=康复&program=XM01`, plus page-level keys such as
`gap` and `village`), validated against the options, and written into st.session_state before the widgets are
created; at the end of every run the URL is rewritten from the widgets. URL values are codes (year,
Chinese town/category/group names, gap keys), never display labels, so a link works in either language.

"All" is the empty string, not None: a selectbox whose session value is None shows no selection.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

import vocab as i18n
from contract import CATEGORIES, PROGRAM_GROUPS
from dashboard import store
from publish import suppress
from publish.charts import Selection
from publish.charts import labels as charts_labels
from vocab import t

ALL = ""
_URL0 = "_url_initial"        # query params seen when the session started (consumed key by key)
_RUN_KEYS = "_url_run_keys"   # URL keys rendered in the current run, in order
GLOBAL_KEYS = ("lang", "year", "town", "village", "category", "group", "program", "public")
PUBLIC_K = suppress.DEFAULT_K  # small-count threshold of the public edition (publish/suppress.py)


def start_run() -> None:
    """Call first in every run: capture the initial URL once per session, reset this run's URL keys."""
    if _URL0 not in st.session_state:
        st.session_state[_URL0] = {k: st.query_params.get(k) for k in st.query_params.keys()}
    st.session_state[_RUN_KEYS] = {}


def _seed(key: str, options: Sequence[Any], default: Any, parse: Callable[[str], Any] = str) -> None:
    """Put a valid value for widget `key` into session state (from the initial URL, else `default`)."""
    if key in st.session_state and st.session_state[key] in options:
        return
    raw = st.session_state.get(_URL0, {}).pop(key, None)
    value = default
    if raw is not None:
        try:
            parsed = parse(raw)
        except (TypeError, ValueError):
            parsed = None
        if parsed in options:
            value = parsed
    st.session_state[key] = value


def url_select(label: str, options: Sequence[Any], *, key: str, default: Any, lang: str,
               format_func: Callable[[Any], str] = str, parse: Callable[[str], Any] = str,
               url_default: Any = None, container=None, help: str | None = None, disabled: bool = False) -> Any:
    """A selectbox mirrored in the URL under `key` (omitted from the URL when equal to `url_default`)."""
    options = list(options)
    _seed(key, options, default, parse)
    where = container or st
    value = where.selectbox(label, options, key=key, format_func=format_func, help=help, disabled=disabled)
    st.session_state[_RUN_KEYS][key] = None if value == url_default else value
    return value


def language() -> str:
    """The language radio (top of the sidebar); returns 'zh' or 'en'."""
    _seed("lang", list(i18n.LANGS), i18n.DEFAULT_LANG)
    lang = st.sidebar.radio(
        t("language", st.session_state["lang"]), list(i18n.LANGS), key="lang", horizontal=True,
        format_func=i18n.LANGUAGE_NAMES.get,  # each language named in itself
    )
    st.session_state[_RUN_KEYS]["lang"] = None if lang == i18n.DEFAULT_LANG else lang
    return lang


def current_lang() -> str:
    """The language of this run (after `language()` ran)."""
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def sidebar_filters(lang: str) -> Selection:
    """Year, town, category and program-group selectboxes; the Selection every page uses."""
    sb = st.sidebar
    sb.header(t("filters", lang), anchor=False)
    years = store.years()
    year = url_select(t("year", lang), years, key="year", default=max(years) if years else None, lang=lang,
                      parse=int, format_func=lambda y: t("year_option", lang, year=y), container=sb)
    who = store.principal()
    if who is not None and who.scoped:  # a caseworker's own town, whatever the URL says (access.scope)
        town = url_select(t("town", lang), [who.town], key="town", default=who.town, url_default=None, lang=lang,
                          container=sb, disabled=True)
    else:
        town = url_select(t("town", lang), [ALL, *store.towns()], key="town", default=ALL, url_default=ALL,
                          lang=lang, format_func=lambda v: t("all", lang) if v == ALL else v, container=sb)
    village = ALL
    if town:  # the villages of the chosen town (a village caseworker: only their own); every API call follows it
        options = village_options(town)
        village = url_select(t("village", lang), options, key="village", default=options[0] if options else ALL,
                             url_default=ALL, lang=lang, container=sb,
                             format_func=lambda v: t("all", lang) if v == ALL else v)
    category = url_select(t("category", lang), [ALL, *CATEGORIES], key="category", default=ALL, url_default=ALL,
                          lang=lang, container=sb,
                          format_func=lambda v: t("all", lang) if v == ALL else i18n.category_label(v, lang))
    group = url_select(t("program_group", lang), [ALL, *PROGRAM_GROUPS], key="group", default=ALL, url_default=ALL,
                       lang=lang, container=sb,
                       format_func=lambda v: t("all", lang) if v == ALL else i18n.group_label(v, lang))
    catalog = store.programs()
    if group:   # the programs of the chosen group (a program of another group would show nothing)
        catalog = catalog[catalog["program_group"] == group]
    names = dict(zip(catalog["program_id"], i18n.program_names(catalog, lang)))
    program = url_select(t("program", lang), [ALL, *names], key="program", default=ALL, url_default=ALL, lang=lang,
                         container=sb, format_func=lambda v: t("all", lang) if v == ALL else f"{names[v]} ({v})")
    public_toggle(lang, container=sb)
    sb.caption(t("share_link", lang))
    return Selection(year=year, town=town or None, village=village or None, category=category or None,
                     program_group=group or None, program=program or None)


def public_forced() -> bool:
    """True for a principal whose role allows the public edition only (it cannot be switched off)."""
    who = store.principal()
    return who is not None and who.rights.public_only


def public_toggle(lang: str, container=None) -> bool:
    """The 公开版 toggle (small-count suppression on every page), mirrored in the URL as `public=1`;
    on and locked for the `public` role."""
    where = container or st
    if public_forced():
        st.session_state["public"] = True
        where.toggle(t("public_toggle", lang), key="public", disabled=True, help=t("auth.public_forced", lang))
        st.session_state[_RUN_KEYS]["public"] = None
        return True
    _seed("public", [False, True], False, parse=lambda v: str(v).lower() in ("1", "true", "yes"))
    on = where.toggle(t("public_toggle", lang), key="public", help=t("public_help", lang, k=PUBLIC_K))
    st.session_state[_RUN_KEYS]["public"] = "1" if on else None
    return bool(on)


def public() -> bool:
    """True when the public edition is on (for pages; the sidebar has already run); always for the
    `public` role, whatever the session state says."""
    return public_forced() or bool(st.session_state.get("public", False))


def village_options(town: str | None) -> list[str]:
    """The village choices of `town`: "all" and its villages, or only a village caseworker's own."""
    who = store.principal()
    villages = store.villages(town)
    if who is not None and who.village is not None:
        return villages
    return [ALL, *villages]


def filters() -> Selection:
    """The current sidebar selection (for pages; the sidebar has already run); a caseworker's town."""
    s = st.session_state
    who = store.principal()
    town = who.town if who is not None and who.scoped else s.get("town") or None
    village = (s.get("village") or None) if town else None
    if who is not None and who.village is not None:   # a village caseworker's own village
        village = who.village
    return Selection(year=s.get("year"), town=town, village=village, category=s.get("category") or None,
                     program_group=s.get("group") or None, program=s.get("program") or None)


def labels() -> i18n.Labels:
    """The vocabulary of this run's language (with the gap seed's labels)."""
    return charts_labels(current_lang())


def switch_page(page: str, choices: dict[str, str]) -> None:
    """Open `page` with this run's selection and `choices` (the target page's URL-mirrored widgets, not
    drawn on this page), as a shared link to it would: a page switch drops the widgets' state, so the
    next run seeds them from these values as from the URL a session starts with, and the URL shows them."""
    url = {k: str(v) for k, v in st.session_state.get(_RUN_KEYS, {}).items() if v not in (None, "")}
    url |= {k: v for k, v in choices.items() if v not in (None, "")}
    st.session_state[_URL0] = dict(url)
    st.session_state.update(choices)
    st.switch_page(page, query_params=url)


def sync_url() -> None:
    """Rewrite the query string from this run's URL-mirrored widgets (call last in the run)."""
    wanted = {k: str(v) for k, v in st.session_state.get(_RUN_KEYS, {}).items() if v not in (None, "")}
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
