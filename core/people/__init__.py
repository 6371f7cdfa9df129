"""People: the people list, the people file import, the expert directory."""
