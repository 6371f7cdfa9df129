"""Programmes: set-up, enrolment, the skill list, announcements."""
