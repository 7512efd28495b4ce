"""Publishing package."""
