"""Menu entries of this area (imported by ReportsConfig.ready)."""
