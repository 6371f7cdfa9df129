"""A file field in the viewer's language.

Streamlit 1.67 writes its upload zone's own words in English whatever the page's language:
the button ("Upload"), the limit ("10MB per file"), what it says while a file is dragged
over it ("Drag and drop a file here") and its refusals before anything reaches the server
("File must be 10.0MB or smaller.", "… files are not allowed."), and the labels a screen
reader says for its buttons ("Remove people.csv"). A script,
installed once per browser page, puts the translated words in their place (as text, so a
screen reader says them too), in every upload zone, whenever Streamlit draws one again.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.kernel.i18n import get_language, t


def file_field(label: str, types: list[str], **kwargs: Any) -> UploadedFile | None:
    """``st.file_uploader(label, type=types, **kwargs)`` whose words are the viewer's."""
    _translate_zones()
    upload: UploadedFile | None = st.file_uploader(label, type=types, **kwargs)
    return upload


def words() -> list[tuple[str, str]]:
    """(pattern of Streamlit's English words, the viewer's) for this run's language: texts,
    and the labels of the zone's buttons and field; none in English. ``$1`` stands for what
    the pattern's group found (a file's name). No replacement matches a pattern again."""
    if get_language() == "en":
        return []
    mb = int(st.get_option("server.maxUploadSize"))
    too_large = t("This file is too large: {size} MB at most.", size=mb)
    not_accepted = t("This type of file is not accepted here.")
    return [
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
    ]


def _translate_zones() -> None:
    pairs = json.dumps(words()).replace("<", "\\u003c")
    st.html(_SCRIPT.replace("WORDS", pairs), unsafe_allow_javascript=True)


# Our own constant code (the words are JSON-encoded): installed once per browser page; each
# run hands it the words of the run's language. A file's name is never rewritten (a file
# called "Upload" stays so): the chip's name is skipped, and only the zone's buttons and
# field have their labels rewritten. A refusal's tooltip is drawn outside the zone.
_SCRIPT = """<script>
(() => {
  window.tandemUploadWords = WORDS.map(([pattern, text]) => [new RegExp(pattern), text]);
  const ZONES = '[data-testid="stFileUploader"], [role="tooltip"]';
  const NAME = '[data-testid="stFileChipName"]';
  const fix = (value) => {
    const found = window.tandemUploadWords.find(([pattern]) => pattern.test(value));
    return found ? value.replace(found[0], found[1]) : null;
  };
  const swap = () => {
    if (!window.tandemUploadWords.length) return;
    for (const zone of document.querySelectorAll(ZONES)) {
      const walker = document.createTreeWalker(zone, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement && node.parentElement.closest(NAME)) continue;
        const fixed = fix(node.nodeValue);
        if (fixed !== null) node.nodeValue = fixed;
      }
      for (const el of zone.querySelectorAll("button[aria-label], input[aria-label], [title]")) {
        if (el.matches(NAME)) continue;
        for (const name of ["aria-label", "title"]) {
          const value = el.getAttribute(name);
          const fixed = value === null ? null : fix(value);
          if (fixed !== null) el.setAttribute(name, fixed);
        }
      }
    }
  };
  window.tandemUploadSwap = swap;
  swap();
  if (window.tandemUpload) return;
  window.tandemUpload = true;
  new MutationObserver(() => window.tandemUploadSwap()).observe(document.body, {
    childList: true, subtree: true, characterData: true,
  });
})();
</script>"""
