"""Matching: scoring, explanation, the solver for pairs and circles, and the coordinator's matching service."""
