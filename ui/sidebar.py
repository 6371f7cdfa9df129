"""The sidebar's navigation, drawn by Tandem: the pages the router registered, as accessible links."""

from __future__ import annotations

import json
from html import escape

import streamlit as st

from core.kernel.i18n import t
from ui import locale


def draw(sections: dict[str, list[st.Page]]) -> None:
    """The sidebar's navigation: a heading per section, then a link per page, current one marked.

    Streamlit 1.67's own sidebar navigation breaks the HTML list rules (its sections are
    <div>s inside the <ul>, the <li>s sit in those <div>s: axe's `list`/`listitem`, on every
    page; docs/upstream/streamlit-nav-list-markup.md), so the router registers the pages
    with ``position="hidden"`` and this draws them: the same pages, order, sections and icons.
    st.page_link marks the page being shown (a background and a bold label); _SCRIPT adds
    what Streamlit's own navigation has and st.page_link lacks: the links form a labelled
    navigation landmark, the current one says so (aria-current="page"), and at a phone's
    width following one closes the sidebar.
    """
    st.html(_STYLE)
    locale.mark_document()
    label = json.dumps(t("Pages")).replace("<", "\\u003c")
    st.html(_SCRIPT.replace("LABEL", label), unsafe_allow_javascript=True)
    for section, pages in sections.items():
        links = [page for page in pages if page.visibility != "hidden"]  # links only
        if not links:
            continue
        with st.container(gap=None):
            st.html(f'<h2 class="tandem-nav-section">{escape(section)}</h2>')
            for page in links:
                st.page_link(page, width="stretch")
    st.divider()


# Spacing like Streamlit's own sidebar navigation (colours stay the theme's): section
# headings small, not titles; links apart (Streamlit pulls sidebar page links together
# by a negative margin, meant for a lone link between other elements).
_STYLE = """<style>
.st-key-tandem_nav h2.tandem-nav-section {
  font-size: 0.875rem; font-weight: 400; line-height: 1.5; margin: 1rem 0 0.5rem; padding: 0;
}
.st-key-tandem_nav .stElementContainer:has(.stPageLink) { margin-top: 0; margin-bottom: 0; }
</style>"""


# Our own constant code (the label is JSON-encoded): installed once per browser page.
_SCRIPT = """<script>
(() => {
  window.tandemNavLabel = LABEL;
  if (window.tandemNav) return;
  window.tandemNav = true;
  const NAV = ".st-key-tandem_nav";
  const mark = () => {
    const nav = document.querySelector(NAV);
    if (!nav) return;
    if (nav.getAttribute("role") !== "navigation") nav.setAttribute("role", "navigation");
    if (nav.getAttribute("aria-label") !== window.tandemNavLabel)
      nav.setAttribute("aria-label", window.tandemNavLabel);
    const here = (location.origin + location.pathname).replace(/\\/$/, "");
    for (const a of nav.querySelectorAll("a")) {
      // Home's link is href="": the app's root, not the address being shown.
      const target = new URL(a.getAttribute("href") || ".", location.href).href;
      const current = target.replace(/\\/$/, "") === here;
      if (current && a.getAttribute("aria-current") !== "page") a.setAttribute("aria-current", "page");
      if (!current && a.hasAttribute("aria-current")) a.removeAttribute("aria-current");
    }
  };
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(NAV + " a");
    if (!link || !window.matchMedia("(max-width: 767.98px)").matches) return;
    setTimeout(() => {
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }, 0);
  }, true);
  mark();
})();
</script>"""
