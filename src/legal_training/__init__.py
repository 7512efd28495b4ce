"""Legal Training Platform: generate, validate, curate and publish synthetic legal Q&A datasets."""

__version__ = "0.1.0"
