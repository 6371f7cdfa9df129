"""Tandem's domain: plain Python, no Streamlit. Pages call the services here."""
