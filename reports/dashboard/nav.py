"""Menu entries of this area (imported by ReportsConfig.ready)."""

from common import menu
from reports.dashboard.selectors import DASHBOARD_ROLES
from reports.dashboard.staffing import STAFFING_ROLES

menu.register("大厅实况", "reports_dashboard", roles=DASHBOARD_ROLES, order=2)
menu.register("窗口配置建议", "reports_staffing", roles=STAFFING_ROLES, order=105)
