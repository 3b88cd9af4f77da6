"""Menu entries of this area (imported by ReportsConfig.ready)."""

from common import menu
from org.models import Role

menu.register("每周工作总结", "reports_weekly", roles={Role.HEAD, Role.OFFICE, Role.LEADER}, order=106)
menu.register("投诉年度分析", "reports_complaints", roles={Role.OFFICE, Role.LEADER}, order=107)
menu.register("公示表", "reports_published", roles={Role.OFFICE, Role.LEADER, Role.HEAD}, order=108)
