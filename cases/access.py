"""Who may see and do what with a case (DESIGN.md convention 3).

* See: every staff role except the guide, within `Case.objects.visible_to(user)`
  (branch-scoped roles: their branch, and cases handed over to their department).
* Handle (accept, supplement, reject, hand over, forward, complete, tell, deliver, ask
  for an extension): tellers and department heads of the case's branch. The accepting
  teller is the first responsible person, but a colleague of the branch may stand in;
  the record says who did what.
* Answer a handover: tellers and heads of the department it was handed to.
* Sign an extension as department head: a head of the case's branch or department
  (000 §五(二)4 受理事项的部门负责人); approve it: a centre leader (分管领导).
* Decide a review (复核): the business management office or a leader.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from cases.models import Case, Handover
from common.actors import staff_of
from org.access import has_role
from org.models import Role

User = AbstractBaseUser | AnonymousUser

VIEW_ROLES = (Role.TELLER, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
HANDLE_ROLES = (Role.TELLER, Role.HEAD)
REVIEW_ROLES = (Role.OFFICE, Role.LEADER)
REPORT_ROLES = (Role.OFFICE, Role.LEADER)
PENDING_ROLES = (Role.ADMIN, Role.OFFICE)


def can_accept(user: User) -> bool:
    staff = staff_of(user)
    return has_role(user, *HANDLE_ROLES) and staff is not None and staff.branch_id is not None


def can_handle(user: User, case: Case) -> bool:
    staff = staff_of(user)
    return has_role(user, *HANDLE_ROLES) and staff is not None and staff.branch_id == case.branch_id


def can_answer_handover(user: User, handover: Handover) -> bool:
    staff = staff_of(user)
    return (
        has_role(user, *HANDLE_ROLES) and staff is not None and staff.department_id == handover.department_id
    )


def can_sign_as_head(user: User, case: Case) -> bool:
    staff = staff_of(user)
    if not has_role(user, Role.HEAD) or staff is None:
        return False
    same_branch = staff.branch_id is not None and staff.branch_id == case.branch_id
    same_department = staff.department_id is not None and staff.department_id == case.department_id
    return same_branch or same_department


def can_approve_as_leader(user: User) -> bool:
    return has_role(user, Role.LEADER)


def can_decide_review(user: User) -> bool:
    return has_role(user, *REVIEW_ROLES)
