"""Streamlit's own words (ui.streamlit_words): its English replaced in other languages,
never twice (the script rewrites text whenever the page changes: a replacement its own
patterns caught again would loop), never in English."""

import re

from core.kernel.i18n import speaking
from ui.streamlit_words import words


def test_each_english_text_has_its_french_and_no_french_text_is_caught_again():
    with speaking("fr"):
        pairs = words()
    samples = {
        "Upload": "Téléverser",
        "10MB per file": "10 Mo par fichier",
        "File must be 10.0MB or smaller.": "Ce fichier est trop volumineux : 10 Mo au plus.",
        "Remove people.csv": "Retirer people.csv",
        "Error: ": "Erreur : ",
        "Press Enter to submit form": "Appuyez sur Entrée pour envoyer le formulaire",
        "Press Ctrl+Enter to apply": "Appuyez sur Ctrl+Entrée pour valider",
        "Press ⌘+Enter to submit form": "Appuyez sur ⌘+Entrée pour envoyer le formulaire",
        "Help for Goal": "Aide : Goal",
        "Download as CSV": "Télécharger en CSV",
        "Fullscreen": "Plein écran",
        "You have requested page /xyz, but no corresponding file was found in the app's pages/"
        " directory. Running the app's main page.": "Il n’y a pas de page /xyz : voici la page"
        " d’accueil.",
    }
    for english, french in samples.items():
        pattern, text = next((p, r) for p, r in pairs if re.search(p, english))
        assert re.sub(pattern, text.replace("$1", r"\1"), english) == french
    for _, text in pairs:
        assert not any(re.search(p, text.replace("$1", "people.csv")) for p, _ in pairs), text


def test_english_pages_keep_streamlits_words():
    with speaking("en"):
        assert words() == []
