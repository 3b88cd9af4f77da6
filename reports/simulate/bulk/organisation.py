"""The organisation of the data set: the centre, its halls (the existing ones and up to
twenty new county halls with their windows, tellers, head and guide) and the matters."""

from __future__ import annotations

import random
from typing import TextIO

from django.core.management.base import CommandError
from django.db import transaction

from catalog.models import Matter, MatterStatus, MatterVersion
from common.actors import actor_label
from org.models import Branch, Category, Centre, Department, Rank, Role, Staff, Window
from org.services import roles_sync, staff_account_create
from queueing.models import (
    Queue,
)
from reports.simulate.bulk._common import (
    ACTOR,
    OT,
    BranchInfo,
    C,
    L,
    MatterInfo,
    Org,
    Scale,
    W,
    WindowInfo,
)
from reports.simulate.bulk.people import person_name

# Twenty more halls of a large centre (邯郸's other districts and counties).
EXTRA_BRANCHES = [
    ("峰峰矿区管理部", "峰峰矿区"),
    ("磁县管理部", "磁县"),
    ("永年区管理部", "永年区"),
    ("肥乡区管理部", "肥乡区"),
    ("临漳县管理部", "临漳县"),
    ("成安县管理部", "成安县"),
    ("大名县管理部", "大名县"),
    ("魏县管理部", "魏县"),
    ("曲周县管理部", "曲周县"),
    ("馆陶县管理部", "馆陶县"),
    ("广平县管理部", "广平县"),
    ("鸡泽县管理部", "鸡泽县"),
    ("邱县管理部", "邱县"),
    ("邯山区服务网点", "邯山区"),
    ("复兴区服务网点", "复兴区"),
    ("经开区服务网点", "经济开发区"),
    ("冀南新区服务网点", "冀南新区"),
    ("丛台区第二服务网点", "丛台区"),
    ("东区服务大厅", "丛台区"),
    ("高新区服务网点", "高新区"),
]


def _organisation(spec: Scale, *, seed: int, out: TextIO) -> Org:
    """The centre (the existing one, or a new one), its halls — the existing ones and
    `extra_branches` more, created once — and what the generator needs to know of them."""
    rng = random.Random(f"{seed}:org")
    with transaction.atomic():
        roles_sync()
        centre = Centre.objects.order_by("pk").first()
        if centre is None:
            centre = Centre.objects.create(
                code="HD", name="邯郸市住房公积金管理中心", complaint_phone="12329"
            )
        for i, (name, place) in enumerate(EXTRA_BRANCHES[: spec.extra_branches], 1):
            code = f"BK{i:02d}"
            if not Branch.objects.filter(code=code).exists():
                _branch_create(centre, code, name, place, rng.randint(*spec.windows), out=out)
        office = _centre_staff(
            centre, "BKYW", "业务管理处（批量数据）", Role.OFFICE, "bkoffice", "业务管理处科员"
        )
        leader = _centre_staff(centre, "BKLD", "中心领导（批量数据）", Role.LEADER, "bkleader", "分管副主任")
    branches = []
    for branch in Branch.objects.filter(centre=centre, is_active=True).order_by("code"):
        info = _branch_info(branch)
        if info is not None:
            branches.append(info)
    if not branches:
        raise CommandError("没有可用的管理部（需要窗口、柜员和四个业务队列）。")
    total = sum(len(b.windows) for b in branches)
    for b in branches:
        b.share = len(b.windows) / total
    matters: dict[str, list[MatterInfo]] = {c: [] for c in Category.values}
    versions = MatterVersion.objects.select_related("matter").filter(matter__status=MatterStatus.ACTIVE)
    latest: dict[int, MatterVersion] = {}
    for v in versions.order_by("matter_id", "number"):
        latest[v.matter_id] = v
    for v in latest.values():
        m: Matter = v.matter
        matters[m.category].append(
            MatterInfo(
                id=m.pk,
                category=m.category,
                employer=m.service_object == "employer",
                version_id=v.pk,
                name=v.name,
                handling_type=v.handling_type,
                promised_days=v.promised_days,
            )
        )
    for c in matters:
        matters[c].sort(key=lambda m: m.id)
    departments = list(
        Department.objects.filter(centre=centre, branch__isnull=True, is_active=True)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    return Org(
        centre_id=centre.pk,
        branches=branches,
        matters=matters,
        centre_departments=departments or [b.department_id for b in branches if b.department_id],
        office_user_id=office.user_id,
        office_staff_id=office.pk,
        leader_user_id=leader.user_id,
    )


def _branch_create(centre: Centre, code: str, name: str, place: str, windows: int, *, out: TextIO) -> None:
    # post_save of Branch sets up the hall (queues A–D, hall settings): queueing.apps.
    branch = Branch.objects.create(
        centre=centre,
        code=code,
        name=name,
        kind=Branch.Kind.COUNTY,
        address=f"{place}（示例地址）",
        hours_note="法定工作日 上午 8:30–12:00，下午 13:30–17:30",
    )
    department = Department.objects.create(centre=centre, code=f"{code}GL", name=name, branch=branch)
    for n in range(1, windows + 1):
        cats = _window_categories(n)
        Window.objects.create(
            branch=branch,
            number=n,
            name="综合业务窗口（绿色通道）"
            if n == 1
            else ("贷款业务窗口" if cats == [L] else "归集提取窗口"),
            categories=cats,
            is_green_channel=n == 1,
        )
    prefix = code.lower()
    people = random.Random(f"staff:{code}")
    for n in range(1, windows + 3):  # one teller per window and two to cover leave
        cats = _window_categories(n) if n <= windows else [C, W, L, OT]
        staff_account_create(
            actor=ACTOR,
            username=f"{prefix}-t{n:02d}",
            password=None,
            staff_no=f"{code}{n:03d}",
            name=person_name(people),
            roles=[Role.TELLER],
            rank=Rank.CLERK,
            title="综合柜员" if len(cats) == 4 else "柜员",
            branch=branch,
            department=department,
            categories=cats,
            is_universal_teller=len(cats) == 4,
        )
    staff_account_create(
        actor=ACTOR,
        username=f"{prefix}-head",
        password=None,
        staff_no=f"{code}900",
        name=person_name(people),
        roles=[Role.HEAD],
        rank=Rank.SECTION_CHIEF,
        title="管理部主任",
        branch=branch,
        department=department,
    )
    staff_account_create(
        actor=ACTOR,
        username=f"{prefix}-guide",
        password=None,
        staff_no=f"{code}901",
        name=person_name(people),
        roles=[Role.GUIDE],
        branch=branch,
        department=department,
        title="引导员",
    )
    out.write(f"新建管理部 {code} {name}：{windows} 个窗口，{windows + 4} 名工作人员\n")


def _window_categories(n: int) -> list[str]:
    """Window 1 is the universal green-channel window; window 2 takes 综合 too; of the
    rest two in five are loan windows — loans take about 40 % of the counter time."""
    if n == 1:
        return [C, W, L, OT]
    if n == 2:
        return [C, W, OT]
    return [L] if n % 5 in (0, 3) else [C, W]


def _centre_staff(
    centre: Centre, dept_code: str, dept_name: str, role: Role, username: str, title: str
) -> Staff:
    existing = Staff.objects.filter(user__username=username).first()
    if existing is not None:
        return existing
    department, _ = Department.objects.get_or_create(
        code=dept_code, defaults={"centre": centre, "name": dept_name}
    )
    return staff_account_create(
        actor=ACTOR,
        username=username,
        password=None,
        staff_no=dept_code,
        name=person_name(random.Random(username)),
        roles=[role],
        rank=Rank.SECTION_CHIEF,
        title=title,
        department=department,
    )


def _branch_info(branch: Branch) -> BranchInfo | None:
    queues = {q.category: (q.pk, q.letter) for q in Queue.objects.filter(branch=branch, is_active=True)}
    if set(queues) != set(Category.values):
        return None
    staff = list(
        Staff.objects.filter(branch=branch, is_active=True).select_related("user").order_by("staff_no")
    )
    # A teller holds the 柜员 role, or is set up for categories (the demo's county tellers
    # are records without a login).
    tellers = [
        s
        for s in staff
        if s.is_universal_teller or s.categories or s.user.groups.filter(name=Role.TELLER.label).exists()
    ]
    if not tellers:
        return None
    heads = [s for s in staff if s.user.groups.filter(name=Role.HEAD.label).exists()]
    guides = [s for s in staff if s.user.groups.filter(name=Role.GUIDE.label).exists()]
    windows: list[WindowInfo] = []
    used: set[int] = set()
    for w in Window.objects.filter(branch=branch, is_active=True).order_by("number"):
        cats = frozenset(w.categories or Category.values)
        fits = [t for t in tellers if t.is_universal_teller or cats <= set(t.categories or [])]
        free = [t for t in fits if t.pk not in used] or fits or tellers
        teller = free[0]
        used.add(teller.pk)
        windows.append(
            WindowInfo(
                w.pk,
                w.number,
                cats,
                w.is_green_channel,
                teller.pk,
                teller.user_id,
                teller.department_id,
                actor_label(teller.user),
            )
        )
    if not windows:
        return None
    opens = branch.opens_at.hour * 60 + branch.opens_at.minute
    return BranchInfo(
        id=branch.pk,
        code=branch.code,
        department_id=tellers[0].department_id,
        windows=windows,
        queues=queues,
        head_user_id=(heads[0] if heads else tellers[0]).user_id,
        guide_label=actor_label((guides[0] if guides else tellers[0]).user),
        opens=float(opens),
    )
