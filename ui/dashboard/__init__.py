"""The programme dashboard's sections (pages/coord_dashboard.py draws them in order)."""
