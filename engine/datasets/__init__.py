"""Datasets: the catalog (metadata, cheap to import), the arrays, the split; the generators are in engine.standalone."""
