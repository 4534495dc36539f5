"""Running the per-article stages at scale: a Dask runner and partitioned Parquet output.

The runner here is thin on purpose: reading, cleaning, dedupe and storing are the
single-process code in :mod:`storylens.pipeline`; only the expensive per-article stages
(spaCy + entities/quotes/events) are shipped to workers, in shards of consecutive articles.
"""
