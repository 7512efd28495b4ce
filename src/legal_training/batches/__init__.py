"""Batches package."""
