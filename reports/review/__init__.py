"""Reports: review."""
