"""Reports: stats."""
