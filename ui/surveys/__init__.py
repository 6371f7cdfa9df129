"""The coordinator's Surveys and results page, one module per tab (pages/coord_surveys.py)."""
