"""Streamlit-only helpers: the cached store, sign-in, navigation, locale, widgets."""
