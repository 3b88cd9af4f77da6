"""Where read-heavy statistics run.

A deployment with a PostgreSQL read replica sets REPORTS_DATABASE_URL; statistics,
dashboards' history and report PDFs then read through the "reports" alias so the
primary keeps its capacity for the halls' writes (docs/deploy.md). Live figures
that must see the last second's writes (the hall dashboard) stay on "default".
"""

from django.conf import settings


def reporting_alias() -> str:
    return "reports" if "reports" in settings.DATABASES else "default"
