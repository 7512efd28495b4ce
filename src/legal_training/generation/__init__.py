"""Generation package."""
