"""Reproducible benchmarks; each prints its figures and ratios (never pass/fail)."""
