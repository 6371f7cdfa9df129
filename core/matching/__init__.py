"""Matching: a pure engine that suggests pairs, circles and mentors, and the services around it.

The engine (no database): ``engine`` (its entry, :func:`engine.suggest`, and public names),
``model``, ``scoring``, ``explain``, ``rules`` (must-rules), ``matrix``, ``solver``, ``pairs``,
``circles``, ``mentoring``. The services, one module per group of user actions:
``suggestions`` (run and review), ``edits`` (fix by hand), ``proposals`` (publish, accept,
decline); the session-level helpers they share: ``candidates`` (the waiting pool as the
engine sees it) and ``rows`` (matches as pages show them).
"""
