"""Reports: dashboard."""
