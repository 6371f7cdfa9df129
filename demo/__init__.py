"""The demo company and the 10 000-person generator (outside the domain: it seeds through core)."""
