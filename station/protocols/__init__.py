"""Assessments and training protocols."""
