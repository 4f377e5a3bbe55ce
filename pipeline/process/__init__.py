"""Tidy datasets and the computations per topic, from validated tables."""
