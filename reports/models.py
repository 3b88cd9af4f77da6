"""Pre-aggregated figures for statistics (see reports/stats)."""
