"""Publishing: deterministic splits, dataset cards, exports and Hugging Face Hub pushes.

Modules: ``splits`` (train/validation/test), ``card`` (README.md with YAML metadata),
``export`` (parquet/jsonl/csv files and the ``hf`` folder), ``hub`` (push in one commit),
``routes`` (HTTP), ``commands`` (CLI). Nothing here writes to the samples.
"""
