"""Parts of the Matching page (coordinators): published proposals, suggestions, do-not-pair."""
