"""Parts of the People page (coordinators): one module per tab."""
