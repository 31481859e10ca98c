"""Datasets: the catalog (metadata, cheap to import), generators, and the split."""
