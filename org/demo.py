"""The demo centre, modelled on 邯郸 (seed 000): a main hall and two county 管理部,
the centre's departments, fourteen windows and thirty staff, with one login per
role. Addresses and phone numbers are examples, not the real centre's.

Loaded by `manage.py seed_demo` (idempotent) and by `make run` on an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from org.models import Branch, Category, Centre, Department, Rank, Role, Staff, Window
from org.services import staff_account_create

C, W, L, OT = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER

CENTRE = {
    "code": "HD",
    "name": "邯郸市住房公积金管理中心",
    "address": "河北省邯郸市丛台区（示例地址）",
    "phone": "0310-12329",
    "complaint_phone": "12329",
}

BRANCHES = [
    {
        "code": "HD01",
        "name": "中心服务大厅",
        "kind": Branch.Kind.MAIN_HALL,
        "address": "邯郸市丛台区人民东路（示例地址）",
        "phone": "0310-3101001",
        "hours_note": "法定工作日 上午 8:30–12:00，下午 14:00–17:30",
    },
    {
        "code": "WA01",
        "name": "武安市管理部",
        "kind": Branch.Kind.COUNTY,
        "address": "武安市东环路（示例地址）",
        "phone": "0310-5101002",
        "hours_note": "法定工作日 上午 8:30–12:00，下午 14:30–17:30",
    },
    {
        "code": "SX01",
        "name": "涉县管理部",
        "kind": Branch.Kind.COUNTY,
        "address": "涉县振兴路（示例地址）",
        "phone": "0310-3801003",
        "hours_note": "法定工作日 上午 8:30–12:00，下午 14:30–17:30",
    },
]

# (branch, number, name, categories, green channel)
WINDOWS = [
    ("HD01", 1, "归集业务窗口", [C], False),
    ("HD01", 2, "归集业务窗口", [C], False),
    ("HD01", 3, "提取业务窗口", [W], False),
    ("HD01", 4, "提取业务窗口", [W], False),
    ("HD01", 5, "提取业务窗口", [W], False),
    ("HD01", 6, "贷款业务窗口", [L], False),
    ("HD01", 7, "贷款业务窗口", [L], False),
    ("HD01", 8, "综合业务窗口（绿色通道）", [C, W, L, OT], True),
    ("WA01", 1, "综合业务窗口（绿色通道）", [C, W, L, OT], True),
    ("WA01", 2, "归集提取窗口", [C, W], False),
    ("WA01", 3, "贷款业务窗口", [L], False),
    ("SX01", 1, "综合业务窗口（绿色通道）", [C, W, L, OT], True),
    ("SX01", 2, "归集提取窗口", [C, W], False),
    ("SX01", 3, "贷款业务窗口", [L], False),
]

# (code, name, branch or None, phone)
DEPARTMENTS = [
    ("GJ", "归集处", None, "0310-3102001"),
    ("TQ", "提取处", None, "0310-3102002"),
    ("DK", "贷款服务大厅", "HD01", "0310-3102003"),
    ("YW", "业务管理处", None, "0310-3102004"),
    ("BGS", "办公室", None, "0310-3102005"),
    ("DW", "机关党委", None, "0310-3102006"),
    ("JH", "稽核处", None, "0310-3102007"),
    ("XX", "信息处", None, "0310-3102008"),
    ("WAGL", "武安市管理部", "WA01", "0310-5102001"),
    ("SXGL", "涉县管理部", "SX01", "0310-3802001"),
]


@dataclass(frozen=True)
class DemoStaff:
    staff_no: str
    name: str
    rank: Rank
    title: str
    branch: str | None
    department: str
    categories: list[str] = field(default_factory=list)
    universal: bool = False
    username: str | None = None  # a demo login; None = a record without a usable password
    roles: tuple[Role, ...] = ()
    superior: str | None = None  # staff_no
    duties: str = ""


TELLER_DUTIES = "受理、审核并办结住房公积金{}业务；落实首问负责、一次性告知、限时办结制度。"

STAFF = [
    DemoStaff(
        "0001",
        "王建国",
        Rank.CENTRE_DIRECTOR,
        "中心主任",
        None,
        "BGS",
        username="leader1",
        roles=(Role.LEADER,),
        duties="主持中心全面工作。",
    ),
    DemoStaff(
        "0002",
        "李秀英",
        Rank.CENTRE_DEPUTY,
        "分管副主任",
        None,
        "BGS",
        superior="0001",
        roles=(Role.LEADER,),
        duties="分管窗口服务、投诉管理和业务管理处。",
    ),
    DemoStaff(
        "0101",
        "张志强",
        Rank.DIVISION_CHIEF,
        "业务管理处处长",
        None,
        "YW",
        superior="0002",
        username="office1",
        roles=(Role.OFFICE,),
        duties="窗口服务检查评议、投诉管理、责任追究。",
    ),
    DemoStaff(
        "0102",
        "刘芳",
        Rank.SECTION_CHIEF,
        "业务管理处科长",
        None,
        "YW",
        superior="0101",
        roles=(Role.OFFICE,),
        duties="投诉受理登记、回访与归档。",
    ),
    DemoStaff(
        "0103",
        "陈静",
        Rank.CLERK,
        "检查员",
        None,
        "YW",
        superior="0101",
        username="inspector1",
        roles=(Role.INSPECTOR,),
        duties="日常检查、突击检查与巡查记录。",
    ),
    DemoStaff("0201", "杨帆", Rank.DIVISION_CHIEF, "归集处处长", None, "GJ", superior="0002"),
    DemoStaff("0301", "赵磊", Rank.DIVISION_CHIEF, "提取处处长", None, "TQ", superior="0002"),
    DemoStaff(
        "0401",
        "黄丽",
        Rank.DIVISION_CHIEF,
        "贷款服务大厅主任",
        "HD01",
        "DK",
        superior="0002",
        username="head1",
        roles=(Role.HEAD,),
        duties="贷款服务大厅管理，审批延期申请，每周工作总结。",
    ),
    DemoStaff("0501", "周敏", Rank.DIVISION_CHIEF, "办公室主任", None, "BGS", superior="0001"),
    DemoStaff("0601", "吴刚", Rank.DIVISION_CHIEF, "机关党委专职副书记", None, "DW", superior="0001"),
    DemoStaff("0701", "徐涛", Rank.DIVISION_CHIEF, "稽核处处长", None, "JH", superior="0002"),
    DemoStaff(
        "0801",
        "孙洁",
        Rank.SECTION_CHIEF,
        "信息处科长",
        None,
        "XX",
        superior="0002",
        username="admin",
        roles=(Role.ADMIN,),
        duties="系统管理、账号与权限、工作日历维护。",
    ),
    DemoStaff(
        "1001",
        "马丽娜",
        Rank.CLERK,
        "引导员",
        "HD01",
        "DK",
        superior="0401",
        username="guide1",
        roles=(Role.GUIDE,),
        duties="咨询引导、协助取号、维护大厅秩序。",
    ),
    DemoStaff("1002", "朱婷婷", Rank.CLERK, "引导员", "HD01", "DK", superior="0401"),
    DemoStaff(
        "1101",
        "胡晓明",
        Rank.CLERK,
        "柜员",
        "HD01",
        "DK",
        [C],
        superior="0401",
        username="teller1",
        roles=(Role.TELLER,),
        duties=TELLER_DUTIES.format("归集"),
    ),
    DemoStaff(
        "1102",
        "郭雪",
        Rank.CLERK,
        "柜员",
        "HD01",
        "DK",
        [C],
        superior="0401",
        duties=TELLER_DUTIES.format("归集"),
    ),
    DemoStaff(
        "1103",
        "何平",
        Rank.CLERK,
        "柜员",
        "HD01",
        "DK",
        [W],
        superior="0401",
        username="teller2",
        roles=(Role.TELLER,),
        duties=TELLER_DUTIES.format("提取"),
    ),
    DemoStaff(
        "1104",
        "高燕",
        Rank.CLERK,
        "柜员",
        "HD01",
        "DK",
        [W],
        superior="0401",
        duties=TELLER_DUTIES.format("提取"),
    ),
    DemoStaff(
        "1105",
        "林晨",
        Rank.CLERK,
        "柜员",
        "HD01",
        "DK",
        [W],
        superior="0401",
        duties=TELLER_DUTIES.format("提取"),
    ),
    DemoStaff(
        "1106",
        "罗斌",
        Rank.SECTION_DEPUTY,
        "贷款柜员",
        "HD01",
        "DK",
        [L],
        superior="0401",
        duties=TELLER_DUTIES.format("贷款"),
    ),
    DemoStaff(
        "1107",
        "梁宇",
        Rank.CLERK,
        "贷款柜员",
        "HD01",
        "DK",
        [L],
        superior="0401",
        duties=TELLER_DUTIES.format("贷款"),
    ),
    DemoStaff(
        "1108",
        "宋佳",
        Rank.SECTION_DEPUTY,
        "综合柜员",
        "HD01",
        "DK",
        universal=True,
        superior="0401",
        duties=TELLER_DUTIES.format("归集、提取、贷款"),
    ),
    DemoStaff(
        "2001",
        "郑海",
        Rank.SECTION_CHIEF,
        "武安市管理部主任",
        "WA01",
        "WAGL",
        superior="0002",
        roles=(Role.HEAD,),
        duties="武安市管理部全面工作，审批延期申请。",
    ),
    DemoStaff(
        "2002",
        "谢娜",
        Rank.CLERK,
        "综合柜员",
        "WA01",
        "WAGL",
        universal=True,
        superior="2001",
        username="teller3",
        roles=(Role.TELLER,),
        duties=TELLER_DUTIES.format("归集、提取、贷款"),
    ),
    DemoStaff(
        "2003",
        "韩冰",
        Rank.CLERK,
        "综合柜员",
        "WA01",
        "WAGL",
        universal=True,
        superior="2001",
        duties=TELLER_DUTIES.format("归集、提取、贷款"),
    ),
    DemoStaff(
        "2004",
        "唐亮",
        Rank.CLERK,
        "贷款柜员",
        "WA01",
        "WAGL",
        [L],
        superior="2001",
        duties=TELLER_DUTIES.format("贷款"),
    ),
    DemoStaff(
        "3001",
        "冯军",
        Rank.SECTION_CHIEF,
        "涉县管理部主任",
        "SX01",
        "SXGL",
        superior="0002",
        roles=(Role.HEAD,),
        duties="涉县管理部全面工作，审批延期申请。",
    ),
    DemoStaff(
        "3002",
        "曹丽",
        Rank.CLERK,
        "综合柜员",
        "SX01",
        "SXGL",
        universal=True,
        superior="3001",
        duties=TELLER_DUTIES.format("归集、提取、贷款"),
    ),
    DemoStaff(
        "3003",
        "彭飞",
        Rank.CLERK,
        "综合柜员",
        "SX01",
        "SXGL",
        universal=True,
        superior="3001",
        duties=TELLER_DUTIES.format("归集、提取、贷款"),
    ),
    DemoStaff(
        "3004",
        "董梅",
        Rank.CLERK,
        "贷款柜员",
        "SX01",
        "SXGL",
        [L],
        superior="3001",
        duties=TELLER_DUTIES.format("贷款"),
    ),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, who) of every demo login, for the README and `make run`."""
    return [
        (s.username, "、".join(r.label for r in s.roles), f"{s.name}（{s.title}）")
        for s in STAFF
        if s.username
    ]


@transaction.atomic
def seed_demo() -> bool:
    """Create whatever of the demo centre is missing. Returns True if anything was created."""
    created = False
    centre, new = Centre.objects.get_or_create(code=CENTRE["code"], defaults=CENTRE)
    created |= new
    branches = {}
    for data in BRANCHES:
        branches[data["code"]], new = Branch.objects.get_or_create(
            code=data["code"], defaults={**data, "centre": centre}
        )
        created |= new
    for code, number, name, categories, green in WINDOWS:
        _, new = Window.objects.get_or_create(
            branch=branches[code],
            number=number,
            defaults={"name": name, "categories": categories, "is_green_channel": green},
        )
        created |= new
    departments = {}
    for code, name, branch, phone in DEPARTMENTS:
        departments[code], new = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "centre": centre, "phone": phone, "branch": branches.get(branch or "")},
        )
        created |= new
    user_model = get_user_model()
    for n, person in enumerate(STAFF, start=1):
        if Staff.objects.filter(staff_no=person.staff_no).exists():
            continue
        username = person.username or f"staff{person.staff_no}"
        if user_model.objects.filter(username=username).exists():
            continue  # a real account of that name exists: never touch it
        staff_account_create(
            actor="seed_demo",
            username=username,
            password=settings.DEMO_PASSWORD if person.username else None,
            staff_no=person.staff_no,
            name=person.name,
            roles=list(person.roles),
            rank=person.rank,
            title=person.title,
            branch=branches.get(person.branch or ""),
            department=departments[person.department],
            categories=[str(c) for c in person.categories],
            is_universal_teller=person.universal,
            duties=person.duties,
            phone=f"1380310{n:04d}",
            superior=Staff.objects.filter(staff_no=person.superior).first() if person.superior else None,
        )
        created = True
    return created
