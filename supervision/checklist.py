"""The inspection checklist (检查评分表) as data, built from the norms of 000 §一–§四.

Pure Python, no Django: the data migration loads it into `ChecklistItem` rows, the
tests check it against the regulation's wording, and the admin can adjust the rows
afterwards (every finding keeps a copy of the item as it was when recorded).

**What comes from the regulation and what does not.** 000 §五(五)4(2) names the four
dimensions an inspection scores — 服务形象及态度、工作纪律、业务技能及业务办理、环境卫生 —
and §一–§四 give the norms; every item quotes its clause. The regulation gives **no
points** for an item. The deductions below are the product owner's settings, on a
100-point sheet per inspection (检查评分表，百分制), *not* numbers of the regulation; an
inspection's sheet is scaled to its type's weight (日常 10 / 突击 5 / 上级领导 5 — those
weights are the regulation's and live in the window-score rule set).

**The leader's positive/negative list (正负面清单, §五(五)4(2) "上级领导检查通过填写正负面清单").**
The regulation gives no scoring for it either. This product reads it the way 正面清单 /
负面清单 are used in Chinese administration: the positive list names what a window must
be seen doing (应当做到), the negative list what it must never be seen doing (禁止出现).
The leader marks each positive item 做到 / 未做到 and ticks the negative items seen; the
sheet is 100 − the points of every positive item not met − the points of every negative
item seen, never below 0. A window that does everything right gets the full 5 points;
nothing the leader sees can raise a window above full marks, so an uninspected window
(full weight, flagged 未检查) is never better off than an inspected perfect one.

`fine_item` links an item to the penalty item of the fines rule set (002 篇4) that the
same behaviour breaks, so that a finding against a person is also entered in the
violations ledger with the rule set's amount; `appraisal_item` links it to the item of
the staff appraisal (002 篇2) it deducts. Both links are the product's reading of which
clause covers which behaviour, not text of the regulations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAILY, SURPRISE, LEADER = "daily", "surprise", "leader"
ALL_KINDS = (DAILY, SURPRISE, LEADER)


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str  # image | discipline | skills | environment
    text: str
    clause: str
    deduction: int  # points on the 100-point sheet (product setting, not the regulation)
    polarity: str = "negative"  # negative: found → deducted; positive: not met → deducted
    subject: str = "staff"  # staff: a person's conduct; window: the counter or the hall
    fine_item: str = ""  # code in the fines rule set (002 篇4), or ""
    appraisal_item: str = ""  # code in the staff appraisal rule set (002 篇2), or ""
    kinds: tuple[str, ...] = field(default=ALL_KINDS)


NEGATIVE: list[Item] = [
    # --- 服务形象及态度 (000 §二(一)1, §二(二), §三) -----------------------------------
    Item(
        "S01",
        "image",
        "未按规定着本岗位工作服，或工作服不干净、不平整，有明显污迹、破损",
        "000 §三(一)1",
        3,
        fine_item="9",
        appraisal_item="C6",
    ),
    Item(
        "S02",
        "image",
        "擅自改变工作服穿着形式、私自增减饰物，敞开外衣、卷起裤脚或衣袖，工作服外显露个人物品",
        "000 §三(一)2、3",
        2,
        appraisal_item="C6",
    ),
    Item("S03", "image", "未统一穿黑色皮鞋或布鞋（特殊岗位除外）", "000 §三(二)", 1, appraisal_item="C6"),
    Item(
        "S04",
        "image",
        "工作时间未按规定在左胸显眼处佩带工作牌",
        "000 §三(三)",
        3,
        fine_item="2.2",
        appraisal_item="C6",
    ),
    Item(
        "S05",
        "image",
        "发式、面容、耳部、手部不合要求（烫染夸张发型、男士留胡须、浓妆、佩戴耳饰、涂有色指甲油等）",
        "000 §三(四)(五)(七)(八)",
        1,
    ),
    Item(
        "S06",
        "image",
        "工作时间吸烟、饮酒或食用有异味食品",
        "000 §三(六)",
        3,
        fine_item="8",
        appraisal_item="C6",
    ),
    Item("S07", "image", "站姿、蹲姿不端正，举止不雅", "000 §三(十)(十一)", 1, appraisal_item="C6"),
    Item(
        "S08",
        "image",
        "未使用十字文明用语（您好、请、谢谢、对不起、再见），接待时未主动询问",
        "000 §二(二)、§二(二)2(1)",
        2,
    ),
    Item(
        "S09",
        "image",
        "使用“不知道”“我不管”“少啰嗦”等生、冷、硬语言，讲脏话、粗话或大声喧哗",
        "000 §二(二)",
        5,
        appraisal_item="A1",
    ),
    Item(
        "S10",
        "image",
        "与办事职工争吵、闹情绪、耍态度",
        "000 §二(一)1",
        10,
        fine_item="7",
        appraisal_item="A4",
    ),
    Item("S11", "image", "以貌取人、厚此薄彼，未做到“五个一样”", "000 §二(一)1", 3),
    Item(
        "S12",
        "image",
        "引导员来访接待未立即停下手中工作主动询问，或办事职工不会使用叫号设备时未主动帮助",
        "000 §二(二)1(1)(3)",
        2,
    ),
    Item("S13", "image", "办事职工提出意见或建议时未致谢、未表示欢迎监督和批评", "000 §二(二)2(6)", 1),
    # --- 工作纪律 (000 §一(三), §二(一)3, §二(三)7、10) -----------------------------------
    Item("D01", "discipline", "迟到、早退", "000 §二(一)3", 3, fine_item="1", appraisal_item="C4"),
    Item(
        "D02",
        "discipline",
        "擅自脱岗，或临时离柜未在窗口前放置“暂停服务”告示牌",
        "000 §二(一)3、§二(三)7",
        3,
        appraisal_item="C2",
    ),
    Item(
        "D03", "discipline", "串岗、闲聊、嬉笑、打闹", "000 §二(一)3", 2, fine_item="8", appraisal_item="C6"
    ),
    Item(
        "D04",
        "discipline",
        "办公时间吃零食、看杂志小说",
        "000 §二(一)3",
        2,
        fine_item="8",
        appraisal_item="C6",
    ),
    Item(
        "D05",
        "discipline",
        "在电脑或手机上打游戏、看股市、看视频、网上聊天、听音乐等与工作无关的事情",
        "000 §二(一)3",
        3,
        fine_item="8",
        appraisal_item="C3",
    ),
    Item(
        "D06",
        "discipline",
        "无故刁难、推托、敷衍办事职工，拖拖拉拉延长等待时间",
        "000 §二(一)3",
        5,
        appraisal_item="A1",
    ),
    Item(
        "D07",
        "discipline",
        "外出或离开工作岗位未做到人走章收，印章、文件等重要物品搁在办公桌上",
        "000 §二(三)10",
        3,
    ),
    Item(
        "D08",
        "discipline",
        "收受缴存企业和办事职工馈赠的钱物好处，为熟人、亲友开后门（吃、拿、卡、要）",
        "000 §一(三)",
        20,
        appraisal_item="A5",
    ),
    # --- 业务技能及业务办理 (000 §二(二)2, §二(三), §五(一)–(三)) ------------------------
    Item(
        "B01",
        "skills",
        "咨询时未提供宣传资料、未详细说明所需材料，致使办事职工来回空跑",
        "000 §二(三)1",
        5,
        appraisal_item="B1",
    ),
    Item(
        "B02",
        "skills",
        "材料不符合要求时未一次性告知需补办的全部材料、未出具补办清单",
        "000 §二(二)2(3)、§五(三)2",
        5,
        appraisal_item="B1",
    ),
    Item("B03", "skills", "操作规程不熟，业务办理迟缓，延长办事职工等待时间", "000 §二(三)2", 2),
    Item("B04", "skills", "未对老、幼、病、残、军人实行优先照顾", "000 §二(三)3", 3),
    Item(
        "B05", "skills", "表单、合同字体不清晰工整，签字、盖章不齐全", "000 §二(三)4", 2, appraisal_item="B4"
    ),
    Item("B06", "skills", "与办事职工传递资料时抛、掷", "000 §二(三)5", 2),
    Item("B07", "skills", "未做到“咨询服务一口清，受理审查一次清”", "000 §二(三)6", 3, appraisal_item="B1"),
    Item(
        "B08",
        "skills",
        "轧账后未对票据分类汇总整理，未检查重要凭证、便民用具和次日所需空白凭证",
        "000 §二(三)8、9",
        2,
    ),
    Item("B09", "skills", "未落实首问负责、一次性告知或限时办结制度", "000 §五(一)、§五(二)、§五(三)", 5),
    # --- 环境卫生 (000 §二(一)2, §四) ------------------------------------------------------
    Item(
        "E01",
        "environment",
        "柜员桌面物品未按定位摆放（电脑显示器、打印机、精拍仪、计算器、印章以外另有杂物）",
        "000 §四(三)1(1)",
        1,
        fine_item="6",
        appraisal_item="A7",
    ),
    Item(
        "E02",
        "environment",
        "窗口内缺工位牌（工作岗位牌：姓名、工号、照片、岗位职责、投诉电话）或业务办理告示牌",
        "000 §四(二)2(1)、§四(三)1(2)",
        2,
        subject="window",
    ),
    Item(
        "E03",
        "environment",
        "窗口外便民盒（印台、纸巾、眼镜盒）、签字笔、绿色植物缺失或不整洁",
        "000 §四(三)1(2)",
        1,
        subject="window",
    ),
    Item(
        "E04",
        "environment",
        "柜台内乱扔垃圾纸屑，或在窗口（包括后台）摆放非办公用品",
        "000 §四(三)1(4)、§四(三)2",
        2,
        fine_item="6",
        appraisal_item="A7",
    ),
    Item(
        "E05",
        "environment",
        "门面、地面、墙面、桌面不净，有灰尘、纸屑、杂物或异味",
        "000 §四(二)1",
        2,
        subject="window",
    ),
    Item(
        "E06",
        "environment",
        "业务表格、宣传资料摆放不整齐，有过期、破损、褪色、卷角的宣传品",
        "000 §二(一)2、§四(二)3(3)",
        1,
        subject="window",
    ),
    Item(
        "E07",
        "environment",
        "绿植有枯叶、盆内有垃圾或盆底积水",
        "000 §四(二)1、§四(三)2(4)",
        1,
        subject="window",
    ),
    Item("E08", "environment", "饮水机周围有水迹、不干净", "000 §四(三)2(3)", 1, subject="window"),
    Item(
        "E09", "environment", "灭火器、消防栓不在有效期内或不能正常使用", "000 §四(三)3", 5, subject="window"
    ),
    Item(
        "E10",
        "environment",
        "无障碍通道、提示牌或安全防盗、小心地滑等免责提示标识缺失",
        "000 §四(一)3、§四(二)1",
        2,
        subject="window",
    ),
    Item(
        "E11",
        "environment",
        "休息等候区爱心座椅、免费饮水、老花镜、雨伞、急救药箱等便民设施缺失",
        "000 §四(二)5",
        1,
        subject="window",
    ),
    Item(
        "E12", "environment", "举报箱、意见箱、员工去向牌或监督电话缺失", "000 §四(二)6", 2, subject="window"
    ),
    Item(
        "E13", "environment", "档案资料摆放无序、管理不规范", "000 §二(一)2、§四(三)", 1, appraisal_item="A7"
    ),
]

POSITIVE: list[Item] = [
    Item(
        "P01",
        "image",
        "主动起身、微笑问候，使用十字文明用语，实行“热心、诚心、耐心、虚心”服务",
        "000 §二(一)1、§二(二)",
        5,
        polarity="positive",
        kinds=(LEADER,),
    ),
    Item(
        "P02",
        "image",
        "着装统一整洁，按规定佩带工作牌，仪容仪表端庄",
        "000 §三",
        5,
        polarity="positive",
        kinds=(LEADER,),
    ),
    Item(
        "P03",
        "discipline",
        "坚守岗位，无串岗、闲聊和与工作无关的事情；临时离柜放置“暂停服务”告示牌",
        "000 §二(一)3、§二(三)7",
        5,
        polarity="positive",
        kinds=(LEADER,),
    ),
    Item(
        "P04",
        "skills",
        "业务熟练，“咨询服务一口清，受理审查一次清”，一次性告知到位",
        "000 §二(三)2、6、§五(三)",
        5,
        polarity="positive",
        kinds=(LEADER,),
    ),
    Item(
        "P05",
        "skills",
        "对老、幼、病、残、军人优先照顾，绿色通道畅通",
        "000 §二(三)3",
        5,
        polarity="positive",
        kinds=(LEADER,),
    ),
    Item(
        "P06",
        "environment",
        "工作岗位牌、业务办理告示牌齐全，柜面物品定位摆放",
        "000 §四(二)2(1)、§四(三)1",
        5,
        polarity="positive",
        subject="window",
        kinds=(LEADER,),
    ),
    Item(
        "P07",
        "environment",
        "大厅“四净”（门面、地面、墙面、桌面），无灰尘、纸屑、杂物、异味",
        "000 §四(二)1",
        5,
        polarity="positive",
        subject="window",
        kinds=(LEADER,),
    ),
    Item(
        "P08",
        "environment",
        "消防设施在有效期内，便民设施齐备",
        "000 §四(二)5、§四(三)3",
        5,
        polarity="positive",
        subject="window",
        kinds=(LEADER,),
    ),
]

ITEMS: list[Item] = NEGATIVE + POSITIVE


def sheet_score(full_marks: int, deductions: list[int]) -> int:
    """The score of one inspection's sheet: full marks less every deduction, never below 0."""
    if any(d < 0 for d in deductions):
        raise ValueError("扣分不能为负数")
    return max(0, full_marks - sum(deductions))


def load_checklist(item_model: type) -> int:
    """Write ITEMS into the ChecklistItem table (the migration's historical model, or
    the real one for tests that flushed the table). Returns the number of items."""
    for order, item in enumerate(ITEMS, start=1):
        item_model.objects.update_or_create(  # type: ignore[attr-defined]
            code=item.code,
            defaults={
                "dimension": item.dimension,
                "polarity": item.polarity,
                "text": item.text,
                "clause": item.clause,
                "deduction": item.deduction,
                "subject": item.subject,
                "fine_item": item.fine_item,
                "appraisal_item": item.appraisal_item,
                "kinds": list(item.kinds),
                "order": order,
                "is_active": True,
            },
        )
    return len(ITEMS)
