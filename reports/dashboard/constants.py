"""Product settings of the dashboard area (not regulation numbers: those are in rule sets)."""

# How often the live hall page asks for fresh figures. Ten seconds is quicker than a
# head walks across the hall and keeps the load of a TV in the hall office at one small
# request per 10 s.
REFRESH_SECONDS = 10

# How many past weeks the staffing advice averages by default, and the choices offered.
STAFFING_DEFAULT_WEEKS = 8
STAFFING_WEEK_CHOICES = (4, 8, 12, 26)
