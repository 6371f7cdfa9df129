"""My data: export and erasure."""
