# ruff: noqa: E501 — guide texts are data; a sentence is not broken to fit a line.
"""贷款 matters. 000 §五(二)3(3): ①时限为1个工作日的业务有：购买普通商品房、二手房个人住房
公积金贷款的受理、面签、初审、复审业务。②时限为即办的业务有：提前结清住房公积金贷款，变更个人
贷款合同扣款账号，提前还贷款本金等。

The four timed steps of each loan are matters of their own (one group per loan, in
stage order), each with its 1-working-day limit; the final approval (终审) is the
centre's own commitment, within the 15 days of 《住房公积金管理条例》第二十六条."""

from __future__ import annotations

from catalog.seed.common import (
    FEE_LOAN,
    L_CENTRE,
    L_LOAN_IMMEDIATE,
    L_LOAN_STEP,
    LAW,
    ONLINE,
    ONLINE_BOOKING,
    PLACE_LOAN,
    PROC_IMMEDIATE,
    S_LOAN,
    TAKE,
    Mat,
    MatterSeed,
    bank_card,
    form,
    house_title,
    id_card,
    loan_contract,
    marriage,
    proc_promised,
    proxy,
)

ART26 = f"{LAW}第二十六条、第二十七条：缴存住房公积金的职工，在购买、建造、翻建、大修自住住房时，可以向住房公积金管理中心申请住房公积金贷款；申请人申请住房公积金贷款的，应当提供担保。"

LOAN_CONDITIONS = "借款申请人连续足额缴存住房公积金6个月以上；具有完全民事行为能力和稳定收入，有偿还贷款本息的能力；信用记录良好；购买本市自住住房并支付不低于规定比例的首付款；借款人及配偶无未结清的住房公积金贷款。"

APPLICATION = Mat(
    "《住房公积金个人住房贷款申请表》",
    form="original",
    source="中心提供（窗口免费领取，或在中心网站下载）",
    standard="借款人及共同借款人如实填写并签字",
    provided_form="住房公积金个人住房贷款申请表",
)
INCOME = Mat(
    "借款人及共同借款人收入证明",
    form="original",
    source="所在单位出具",
    standard="加盖单位公章，写明近12个月月平均收入；正常缴存住房公积金的可以缴存基数核定，免于提交",
    requirement="conditional",
    condition="按实际收入核定贷款额度的",
)
CREDIT = Mat(
    "个人信用报告授权书",
    form="original",
    source="中心提供（窗口免费领取）",
    standard="借款人及配偶签字，授权查询中国人民银行征信系统",
    provided_form="个人信用信息查询授权书",
)
HUKOU = Mat("户口簿", form="original_and_copy", source="公安机关户籍部门", standard="本人页及户主页")
NEW_CONTRACT = Mat(
    "经网签备案的《商品房买卖合同》",
    form="original_and_copy",
    source="房地产开发企业（网签备案）",
    standard="所购为普通商品住房，买受人为借款人或其配偶",
)
DOWN_PAYMENT = Mat(
    "首付款发票或收据",
    form="original_and_copy",
    source="售房单位",
    standard="首付款比例不低于本市规定",
)
USED_CONTRACT = Mat(
    "《存量房买卖合同》",
    form="original_and_copy",
    source="交易双方签订（经房屋交易管理部门备案）",
    standard="买受人为借款人或其配偶",
)
SELLER = Mat(
    "售房人有效身份证件及不动产权证书",
    form="copy",
    source="售房人提供",
    standard="售房人与权利人一致；房屋无查封、无抵押或已约定解押",
)
APPRAISAL = Mat(
    "房屋评估报告",
    "conditional",
    "成交价明显低于或高于市场价格的",
    form="original",
    source="本中心名录内的房地产估价机构",
    standard="估价对象与合同房屋一致",
)
RECEIPT = Mat(
    "《受理通知单》（申请人联）",
    form="original",
    source="受理时由中心出具",
    standard="受理编号与本笔贷款一致",
)


def loan(code: str, name: str, **kw: object) -> MatterSeed:
    defaults: dict = dict(
        category="loan",
        service_object="personal",
        place=PLACE_LOAN,
        fee_note=FEE_LOAN,
        online_note=ONLINE_BOOKING,
        legal_basis=ART26,
    )
    defaults.update(kw)
    return MatterSeed(code=code, name=name, **defaults)


def stages(
    prefix: int, group: str, keywords: str, apply_materials: tuple[Mat, ...]
) -> tuple[MatterSeed, ...]:
    """受理、面签、初审、复审 (1 working day each, 000 §五(二)3(3)①) and 终审."""
    step = dict(
        group=group,
        handling_type="promised",
        promised_days=1,
        limit_basis=L_LOAN_STEP,
        statutory_days=S_LOAN[0],
        statutory_basis=S_LOAN[1] + "（受理至作出贷款决定的全过程）",
        conditions=LOAN_CONDITIONS,
    )
    internal = "本环节由中心内部办理，无需申请人另行提交材料；结果通过短信和办件查询告知。"
    code = lambda n: f"DK{prefix + n:03d}"  # noqa: E731
    return (
        loan(
            code(0),
            f"{group} — 受理",
            keywords=f"{keywords} 贷款受理 申请贷款",
            summary=f"{group}的第一个环节：申请人提交借款申请和全部材料，窗口审查后受理并出具《受理通知单》。",
            materials=apply_materials,
            procedure=(
                TAKE,
                "窗口工作人员审查申请材料；材料不全的，出具《一次性告知清单》一次性告知需补交的全部材料",
                "材料齐全、符合受理条件的，1个工作日内受理，出具《受理通知单》（含受理编号和查询密码）",
                "约定面签时间",
            ),
            result="受理申请，出具《受理通知单》",
            stage_order=1,
            **step,
        ),
        loan(
            code(1),
            f"{group} — 面签",
            keywords=f"{keywords} 面签 签字",
            summary=f"{group}的第二个环节：借款人及共同借款人本人到场，核验身份、确认借款意愿并签署相关文件。",
            materials=(
                id_card("借款人及共同借款人"),
                RECEIPT,
                Mat("借款人还款银行借记卡", source="借款人自备", standard="户名为借款人本人，用于按月扣款"),
            ),
            procedure=(
                "借款人及共同借款人按约定时间本人到贷款业务窗口",
                "核验身份，当面确认借款金额、期限、还款方式，签署面签记录和相关文件",
                "面签完成后1个工作日内转入初审",
            ),
            result="完成面签，转入初审",
            stage_order=2,
            notes="借款人及共同借款人须本人到场，不得委托他人代为面签。",
            **step,
        ),
        loan(
            code(2),
            f"{group} — 初审",
            keywords=f"{keywords} 初审 审核",
            summary=f"{group}的第三个环节：审核申请材料的真实性、完整性，查询借款人缴存、征信情况，核定贷款额度。",
            materials=(),
            procedure=(
                "调阅受理材料和面签记录",
                "查询缴存记录、个人信用报告和住房情况，核定可贷额度",
                "1个工作日内出具初审意见，转入复审",
            ),
            result="出具初审意见",
            stage_order=3,
            notes=internal,
            **step,
        ),
        loan(
            code(3),
            f"{group} — 复审",
            keywords=f"{keywords} 复审 审核",
            summary=f"{group}的第四个环节：对初审意见和核定的额度、期限进行复核。",
            materials=(),
            procedure=("复核初审意见、贷款额度、期限和担保方式", "1个工作日内出具复审意见，报终审"),
            result="出具复审意见",
            stage_order=4,
            notes=internal,
            **step,
        ),
        loan(
            code(4),
            f"{group} — 终审",
            keywords=f"{keywords} 终审 审批 贷款审批",
            summary=f"{group}的第五个环节：中心对贷款作出准予贷款或者不准贷款的决定，并通知申请人。",
            handling_type="promised",
            promised_days=3,
            limit_basis=L_CENTRE,
            statutory_days=S_LOAN[0],
            statutory_basis=S_LOAN[1],
            conditions=LOAN_CONDITIONS,
            materials=(),
            procedure=(
                "审批复审意见，作出准予贷款或者不准贷款的决定",
                "短信通知申请人，出具《办结通知单》；不准贷款的，书面说明理由并告知复核、行政复议或行政诉讼途径",
                "准予贷款的，借款人到受托银行签订借款合同、办理抵押登记后放款",
            ),
            result="作出准予贷款或者不准贷款的决定",
            group=group,
            stage_order=5,
            notes=internal,
            joint_parties="受托银行（签订借款合同、放款）、不动产登记机构（抵押登记）",
        ),
    )


NEW_HOUSE = stages(
    1,
    "购买普通商品房个人住房公积金贷款",
    "购房贷款 公积金贷款 买房贷款 新房 商品房 期房 购房",
    (
        APPLICATION,
        id_card("借款人及共同借款人"),
        marriage("借款人已婚的"),
        HUKOU,
        CREDIT,
        INCOME,
        NEW_CONTRACT,
        DOWN_PAYMENT,
        proxy(),
    ),
)

USED_HOUSE = stages(
    6,
    "购买二手房个人住房公积金贷款",
    "购房贷款 公积金贷款 买房贷款 二手房 存量房 购房",
    (
        APPLICATION,
        id_card("借款人及共同借款人"),
        marriage("借款人已婚的"),
        HUKOU,
        CREDIT,
        INCOME,
        USED_CONTRACT,
        SELLER,
        DOWN_PAYMENT,
        APPRAISAL,
        proxy(),
    ),
)


def immediate(code: str, name: str, *, limit_basis: str = L_LOAN_IMMEDIATE, **kw: object) -> MatterSeed:
    defaults: dict = dict(
        handling_type="immediate",
        promised_days=0,
        limit_basis=limit_basis,
        procedure=PROC_IMMEDIATE,
    )
    defaults.update(kw)
    return loan(code, name, **defaults)


OTHERS: tuple[MatterSeed, ...] = (
    immediate(
        "DK011",
        "提前结清住房公积金贷款",
        keywords="提前结清 还清贷款 一次性还款 结清 提前还款",
        summary="借款人一次性偿还全部剩余贷款本息，结清住房公积金贷款。",
        conditions="贷款已发放；结清当日还款账户或现金足额；可同时提取住房公积金用于结清。",
        materials=(
            id_card("借款人"),
            loan_contract(),
            Mat(
                "还款资金",
                source="借款人自备",
                standard="存入还款账户或现场转账，金额不低于剩余本息",
                form="original",
            ),
        ),
        result="贷款结清，出具结清证明，可办理抵押注销",
        online_available=True,
        online_note=ONLINE,
    ),
    immediate(
        "DK012",
        "变更个人贷款合同扣款账号",
        keywords="扣款账号 还款账户 换卡 变更银行卡 扣款卡",
        summary="借款人变更按月扣还住房公积金贷款的银行账户。",
        conditions="新扣款账户户名为借款人或共同借款人本人。",
        materials=(id_card("借款人"), bank_card(), form("住房公积金贷款扣款账户变更申请表", "借款人签字")),
        result="自次月起从新账户扣款",
        online_available=True,
        online_note=ONLINE,
    ),
    immediate(
        "DK013",
        "提前偿还住房公积金贷款本金（部分提前还款）",
        keywords="提前还款 部分还款 提前还本金 缩短期限 减少月供",
        summary="借款人提前偿还部分贷款本金，可选择缩短贷款期限或减少月还款额。",
        conditions="贷款无逾期；提前还款金额不低于本中心规定的最低金额。",
        materials=(
            id_card("借款人"),
            loan_contract(),
            Mat("还款资金", source="借款人自备", standard="存入还款账户或现场转账", form="original"),
        ),
        result="剩余本金、期限或月还款额重新计算，出具还款计划",
        online_available=True,
        online_note=ONLINE,
    ),
    immediate(
        "DK014",
        "住房公积金贷款结清证明出具",
        keywords="结清证明 抵押注销 解押 还清证明",
        summary="贷款结清后，出具结清证明及抵押注销所需材料。",
        limit_basis=L_CENTRE,
        conditions="贷款已全部结清。",
        materials=(id_card("借款人"), proxy()),
        result="出具结清证明，抵押注销材料交借款人办理注销登记",
        joint_parties="不动产登记机构（抵押注销登记）",
    ),
    loan(
        "DK015",
        "建造、翻建、大修自住住房公积金贷款",
        keywords="建房贷款 翻建 大修 自建房 修房贷款",
        summary="缴存职工建造、翻建、大修自住住房，申请住房公积金贷款。",
        handling_type="promised",
        conditions=LOAN_CONDITIONS.replace(
            "购买本市自住住房并支付不低于规定比例的首付款",
            "取得建造、翻建或大修的批准文件，自筹资金不低于工程预算的规定比例",
        ),
        materials=(
            APPLICATION,
            id_card("借款人及共同借款人"),
            marriage("借款人已婚的"),
            CREDIT,
            INCOME,
            Mat(
                "建房（翻建、大修）批准文件",
                form="original_and_copy",
                source="自然资源和规划部门或乡镇人民政府",
                standard="建房人为借款人或其配偶",
            ),
            Mat("工程预算及施工合同", form="original", source="施工单位", standard="预算金额清晰"),
            house_title("翻建、大修的"),
            proxy(),
        ),
        procedure=proc_promised("中心审核材料，必要时实地查看", "作出准予贷款或者不准贷款的决定"),
        result="作出准予贷款或者不准贷款的决定",
        promised_days=5,
        limit_basis=L_CENTRE,
        statutory_days=S_LOAN[0],
        statutory_basis=S_LOAN[1],
        joint_parties="受托银行（签订借款合同、放款）",
    ),
    loan(
        "DK016",
        "商业性住房贷款转住房公积金贷款（商转公）",
        keywords="商转公 商业贷款转公积金 转贷 置换",
        summary="已用商业性个人住房贷款购买自住住房的缴存职工，申请住房公积金贷款偿还商业贷款。",
        handling_type="joint",
        conditions=LOAN_CONDITIONS + "商业性住房贷款正常还款，已还款满12期。",
        materials=(
            APPLICATION,
            id_card("借款人及共同借款人"),
            marriage("借款人已婚的"),
            CREDIT,
            Mat(
                "商业性个人住房借款合同及还款明细",
                form="original_and_copy",
                source="原贷款银行",
                standard="借款人为申请人或其配偶，无逾期",
            ),
            house_title(),
            proxy(),
        ),
        procedure=proc_promised(
            "中心审核材料，作出准予贷款或者不准贷款的决定",
            "准予贷款的，与原贷款银行、不动产登记机构联办，结清商业贷款并办理抵押变更",
        ),
        result="住房公积金贷款发放，偿还原商业贷款",
        promised_days=10,
        limit_basis=L_CENTRE,
        statutory_days=S_LOAN[0],
        statutory_basis=S_LOAN[1],
        joint_parties="原商业贷款银行（结清）、不动产登记机构（抵押登记）、受托银行（放款）",
        notes="承诺时限为中心作出贷款决定的时间；结清商业贷款和办理抵押的时间由联办单位另计，中心负责协调。",
    ),
    immediate(
        "DK017",
        "异地贷款职工住房公积金缴存使用证明出具",
        keywords="异地贷款 缴存使用证明 外地买房 异地购房",
        summary="在本市缴存的职工到外地申请住房公积金贷款时，出具缴存使用证明。",
        limit_basis=L_CENTRE,
        conditions="本市账户正常缴存；无未结清的本市住房公积金贷款。",
        materials=(id_card(), proxy()),
        result="出具《异地贷款职工住房公积金缴存使用证明》",
        online_available=True,
        online_note="可通过全国住房公积金小程序在线开具",
    ),
    immediate(
        "DK018",
        "住房公积金贷款还款方式变更",
        keywords="还款方式 等额本息 等额本金 变更还款方式",
        summary="借款人在等额本息、等额本金还款方式之间变更。",
        limit_basis=L_LOAN_IMMEDIATE + "（“等”中的贷款合同变更）",
        conditions="贷款无逾期；每笔贷款在还款期内变更次数不超过本中心规定。",
        materials=(id_card("借款人"), loan_contract(), form("住房公积金贷款合同变更申请表", "借款人签字")),
        result="自次月起按新的还款方式还款，出具新的还款计划",
    ),
    immediate(
        "DK019",
        "住房公积金贷款期限变更（缩短期限）",
        keywords="缩短期限 贷款期限 变更期限",
        summary="借款人申请缩短住房公积金贷款期限。",
        limit_basis=L_LOAN_IMMEDIATE + "（“等”中的贷款合同变更）",
        conditions="贷款无逾期；缩短后的月还款额在借款人还款能力以内。",
        materials=(id_card("借款人"), loan_contract(), form("住房公积金贷款合同变更申请表", "借款人签字")),
        result="贷款期限缩短，出具新的还款计划",
    ),
    loan(
        "DK020",
        "住房公积金贷款借款人（共同借款人）变更",
        keywords="借款人变更 共同借款人 离婚 继承 贷款变更",
        summary="因离婚、继承等原因，变更住房公积金贷款的借款人或共同借款人。",
        handling_type="promised",
        conditions="变更后的借款人符合住房公积金贷款条件；抵押房屋权属相应变更。",
        materials=(
            id_card("原借款人及新借款人"),
            loan_contract(),
            Mat(
                "离婚协议、人民法院判决书（调解书）或继承公证书",
                form="original_and_copy",
                source="民政部门、人民法院或公证机构",
                standard="写明房屋及贷款的归属",
            ),
            form("住房公积金贷款借款人变更申请表", "各方签字"),
        ),
        procedure=proc_promised("审核新借款人的还款能力和信用情况", "签订借款合同变更协议，办理抵押变更"),
        result="借款人变更，签订变更协议",
        promised_days=5,
        limit_basis=L_CENTRE,
        joint_parties="不动产登记机构（抵押变更登记）",
    ),
    loan(
        "DK021",
        "住房公积金贷款担保方式或抵押物变更",
        keywords="抵押物变更 担保变更 保证人 换抵押",
        summary="借款人申请变更住房公积金贷款的担保方式、保证人或抵押物。",
        handling_type="joint",
        conditions="变更后的担保足以覆盖剩余贷款本息。",
        materials=(
            id_card("借款人"),
            loan_contract(),
            house_title("以新的房屋作抵押的", "新抵押房屋的不动产权证书"),
            Mat(
                "保证人有效身份证件及保证承诺书",
                "conditional",
                "变更保证人的",
                form="original",
                source="保证人提供",
                standard="保证人具有代偿能力",
            ),
        ),
        procedure=proc_promised("审核新担保的有效性和足额性", "与不动产登记机构联办抵押变更登记"),
        result="担保变更生效",
        promised_days=5,
        limit_basis=L_CENTRE,
        joint_parties="不动产登记机构（抵押登记）、担保机构",
    ),
    immediate(
        "DK022",
        "住房公积金贷款信息查询及还款明细打印",
        keywords="贷款查询 还款明细 剩余本金 贷款余额 打印",
        summary="借款人查询贷款余额、还款计划，打印还款明细。",
        limit_basis=L_CENTRE,
        conditions="本人为借款人或共同借款人。",
        materials=(id_card("借款人"), proxy()),
        result="打印贷款信息和还款明细",
        online_available=True,
        online_note=ONLINE,
    ),
    immediate(
        "DK023",
        "住房公积金贷款逾期本息归还",
        keywords="逾期 欠款 罚息 补还 逾期还款",
        summary="借款人归还逾期的住房公积金贷款本息及罚息。",
        limit_basis=L_CENTRE,
        conditions="贷款存在逾期。",
        materials=(
            id_card("借款人"),
            Mat("还款资金", source="借款人自备", standard="金额不低于逾期本息及罚息", form="original"),
        ),
        result="逾期本息归还，出具还款凭证",
    ),
    immediate(
        "DK024",
        "住房公积金贷款额度试算与贷前咨询",
        keywords="贷款额度 能贷多少 试算 贷款咨询 贷前",
        summary="按缴存情况、收入和房价试算可贷额度和月还款额，解答贷款政策。",
        limit_basis=L_CENTRE,
        conditions="无。",
        materials=(
            Mat(
                "有效身份证件",
                "conditional",
                "需要按本人缴存情况精确试算的",
                source="本人自备",
                standard="用于查询本人缴存信息",
            ),
        ),
        result="告知可贷额度、期限和月还款额（试算结果仅供参考）",
        online_available=True,
        online_note="可使用中心网站、手机公积金APP的贷款计算器自助试算",
        legal_basis=f"{LAW}第二十六条；本中心个人住房贷款管理规定。",
    ),
)

MATTERS: tuple[MatterSeed, ...] = NEW_HOUSE + USED_HOUSE + OTHERS
