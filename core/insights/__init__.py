"""Insights for staff: dashboard figures, training needs, Home counts, charts, exports, the printable report."""
