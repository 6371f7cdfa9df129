"""Streamlit's own words in the viewer's language.

Streamlit 1.67 writes the words of its own widgets in English whatever the page's language:
under a field being typed in ("Press Enter to submit form", "Press Ctrl+Enter to apply"),
the help buttons' labels a screen reader says ("Help for Goal"), a table's or a chart's
toolbar ("Download as CSV", "Search", "Fullscreen"), its "Page not found" dialog
(an address no page has), and the upload zone — its
button ("Upload"), its limit ("10MB per file"), what it says while a file is dragged over it
("Drag and drop a file here"), its refusals before anything reaches the server ("File must
be 10.0MB or smaller.", "… files are not allowed.") and its buttons' labels ("Remove
people.csv"). A script, installed once per browser page (:func:`install`, with the page's
language: ui.locale.mark_document), puts the translated words in their place — as text, so a
screen reader says them too — whenever Streamlit draws them again.
"""

from __future__ import annotations

import json
from functools import cache

import streamlit as st

from core.kernel.i18n import get_language
from core.kernel.i18n import t as translate


def words() -> list[tuple[str, str]]:
    """(pattern of Streamlit's English words, the viewer's) for this run's language: texts
    and labels; none in English. ``$1`` stands for what the pattern's group found (a key, a
    label, a file's name). No replacement matches a pattern again."""
    return list(_words(get_language(), int(st.get_option("server.maxUploadSize"))))


@cache
def _words(lang: str, mb: int) -> tuple[tuple[str, str], ...]:
    """:func:`words`, worded once per language (not on every run of every page)."""
    if lang == "en":
        return ()

    def t(message: str, **kwargs: object) -> str:
        return translate(message, lang, **kwargs)

    too_large = t("This file is too large: {size} MB at most.", size=mb)
    not_accepted = t("This type of file is not accepted here.")
    return (
        (r"^Press Enter to apply$", t("Press Enter to apply")),
        (r"^Press Enter to submit form$", t("Press Enter to send the form")),
        (r"^Press (⌘|Ctrl)\+Enter to apply$", t("Press {keys}+Enter to apply", keys="$1")),
        (
            r"^Press (⌘|Ctrl)\+Enter to submit form$",
            t("Press {keys}+Enter to send the form", keys="$1"),
        ),
        (r"^Help for (.+)$", t("Help: {label}", label="$1")),
        (r"^Download as (CSV|PNG)$", t("Download as {format}", format="$1")),
        (r"^Search$", t("Search")),
        (r"^Fullscreen$", t("Full screen")),
        (r"^Close fullscreen$", t("Leave full screen")),
        (r"^Clear selection$", t("Clear the selection")),
        (r"^Page not found$", t("Page not found")),
        (
            r"^You have requested page /(.+), but no corresponding file was found in the "
            r"app's pages/ directory\. Running the app's main page\.$",
            t("There is no page /{page}: here is the home page.", page="$1"),
        ),
        (
            r"^The page that you have requested does not seem to exist\. "
            r"Running the app's main page\.$",
            t("This page does not exist: here is the home page."),
        ),
        (r"^Upload( directories)?$", t("Upload")),
        (r"^\S+ per file$", t("{size} MB per file", size=mb)),
        (r"^Drag and drop (a file|files|directories) here$", t("Drop the file here")),
        (r"^Error: $", t("Error:") + " "),
        (r"^File must be .+ or smaller\.$", too_large),
        (r"^.+ files are not allowed\.$", not_accepted),
        (r"^File type (not allowed\.|must be .+)$", not_accepted),
        (r"^Only one file is allowed\.$", t("One file at a time.")),
        (r"^Upload failed$", t("The upload failed.")),
        (r"^Unexpected error\. Please try again\.$", t("Something went wrong: please try again.")),
        (r"^Click to retry upload$", t("Click to upload it again")),
        (r"^Add files$", t("Add a file")),
        (r"^Remove (.+)$", t("Remove {name}", name="$1")),
        (r"^Cancel upload of (.+)$", t("Stop uploading {name}", name="$1")),
        (r"^file upload$", t("File to upload")),
    )


def install() -> None:
    """Hand this run's words to the page's script (installing it the first time)."""
    pairs = json.dumps(words()).replace("<", "\\u003c")
    st.html(_SCRIPT.replace("WORDS", pairs), unsafe_allow_javascript=True)


# Our own constant code (the words are JSON-encoded): installed once per browser page; each
# run hands it the words of the run's language. Only Streamlit's own elements are read: the
# instructions under a field, the upload zones, tooltips, dialogs; and the labels of help
# buttons, toolbars' buttons and the upload zones' buttons and field. A file's name is never
# rewritten (a file called "Upload" stays so): the chip's name is skipped.
_SCRIPT = """<script>
(() => {
  window.tandemWords = WORDS.map(([pattern, text]) => [new RegExp(pattern), text]);
  const ZONES = '[data-testid="InputInstructions"], [data-testid="stFileUploader"], '
    + '[role="tooltip"], [role="dialog"]';
  const LABELLED = '[data-testid="stTooltipHoverTarget"] button[aria-label], '
    + '[data-testid="stElementToolbar"] button[aria-label], '
    + '[data-testid="stFileUploader"] button[aria-label], [data-testid="stFileUploader"] input[aria-label], '
    + '[data-testid="stFileUploader"] [title]';
  const NAME = '[data-testid="stFileChipName"]';
  const fix = (value) => {
    const found = window.tandemWords.find(([pattern]) => pattern.test(value));
    return found ? value.replace(found[0], found[1]) : null;
  };
  const swap = () => {
    if (!window.tandemWords.length) return;
    for (const zone of document.querySelectorAll(ZONES)) {
      const walker = document.createTreeWalker(zone, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement && node.parentElement.closest(NAME)) continue;
        const fixed = fix(node.nodeValue);
        if (fixed !== null) node.nodeValue = fixed;
      }
    }
    for (const el of document.querySelectorAll(LABELLED)) {
      if (el.matches(NAME)) continue;
      for (const name of ["aria-label", "title"]) {
        const value = el.getAttribute(name);
        const fixed = value === null ? null : fix(value);
        if (fixed !== null) el.setAttribute(name, fixed);
      }
    }
  };
  window.tandemWordsSwap = swap;
  swap();
  if (window.tandemWordsInstalled) return;
  window.tandemWordsInstalled = true;
  new MutationObserver(() => window.tandemWordsSwap()).observe(document.body, {
    childList: true, subtree: true, characterData: true,
  });
})();
</script>"""
