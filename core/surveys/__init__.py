"""Surveys: what a survey asks (questions), answering once (answering), a programme's rounds (rounds), results and pairing fit (results), the mentor-skills self-assessment (self_assessment)."""
