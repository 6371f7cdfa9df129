"""Surveys: pulse and end-of-programme surveys, the mentor-skills self-assessment."""
