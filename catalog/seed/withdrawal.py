"""提取 matters. 000 §五(二)3(2): 提取业务时限均为即办. The statutory limit is
《住房公积金管理条例》第二十五条 (3 days to decide); the conditions are those of 第二十四条
and the centre's own rules."""

from __future__ import annotations

from catalog.seed.common import (
    FEE,
    L_WITHDRAWAL,
    LAW,
    ONLINE_BOOKING,
    PLACE_WITHDRAWAL,
    PROC_WITHDRAWAL,
    S_WITHDRAWAL,
    Mat,
    MatterSeed,
    bank_card,
    house_title,
    id_card,
    loan_contract,
    marriage,
    proxy,
    spouse_id,
    withdrawal_form,
)

ART24 = f"{LAW}第二十四条（职工可以提取住房公积金账户内存储余额的情形）、第二十五条"


def withdrawal(
    code: str, name: str, *, materials: tuple[Mat, ...], core: tuple[Mat, ...] | None = None, **kw: object
) -> MatterSeed:
    defaults: dict = dict(
        category="withdrawal",
        service_object="personal",
        handling_type="immediate",
        procedure=PROC_WITHDRAWAL,
        promised_days=0,
        limit_basis=L_WITHDRAWAL,
        statutory_days=S_WITHDRAWAL[0],
        statutory_basis=S_WITHDRAWAL[1],
        place=PLACE_WITHDRAWAL,
        fee_note=FEE,
        online_note=ONLINE_BOOKING,
        result="准予提取的，提取资金转入申请人本人银行账户",
        legal_basis=ART24 + "。",
    )
    defaults.update(kw)
    # Every withdrawal asks for the same core: identity, bank card, application form;
    # a proxy may come with a notarised power of attorney.
    if core is None:
        core = (id_card(), bank_card(), withdrawal_form())
    return MatterSeed(
        code=code, name=f"住房公积金提取 — {name}", materials=core + materials + (proxy(),), **defaults
    )


PURCHASE_CONTRACT = Mat(
    "购房合同",
    form="original_and_copy",
    source="本人自备（购房时与售房方签订）",
    standard="新建商品房提交经网签备案的《商品房买卖合同》；二手房提交《存量房买卖合同》；购房人为申请人或其配偶",
)
PURCHASE_INVOICE = Mat(
    "购房发票或契税完税凭证",
    form="original_and_copy",
    source="售房单位开具 / 税务机关出具",
    standard="购房人为申请人或其配偶，金额与合同一致；一次性付款购房提交全额发票",
)

MATTERS: tuple[MatterSeed, ...] = (
    withdrawal(
        "TQ001",
        "购买自住住房",
        keywords="购房 买房 购买住房 购房提取 商品房 二手房 存量房 新房 首付 全款 买房子",
        summary="职工及其配偶在本市或户籍所在地购买自住住房（新建商品房、二手房），可在购房之日起规定期限内提取本人及配偶的住房公积金。",
        conditions="职工本人或配偶购买自住住房；提取申请在购房合同备案（或不动产登记）之日起2年内提出；提取总额不超过购房款（扣除住房公积金贷款部分）；同一套住房只能提取一次。",
        materials=(
            PURCHASE_CONTRACT,
            PURCHASE_INVOICE,
            house_title("购买二手房或已办理不动产登记的"),
            marriage("提取配偶住房公积金或购房人为配偶的"),
            spouse_id("提取配偶住房公积金或购房人为配偶的"),
        ),
        notes="配偶双方可同时申请提取；使用住房公积金贷款购房的，提取金额不超过首付款。",
        online_available=True,
        online_note="已办理网签备案的新建商品房可通过手机公积金APP在线提取，无需到窗口",
    ),
    withdrawal(
        "TQ002",
        "购买保障性住房（经济适用住房、共有产权住房）",
        keywords="经济适用房 共有产权 保障房 经适房 购房",
        summary="职工购买经济适用住房、共有产权住房等保障性住房的，可提取住房公积金。",
        conditions="购买的保障性住房已取得购房资格确认；提取总额不超过本人实际负担的购房款。",
        materials=(
            Mat(
                "保障性住房购房合同",
                form="original_and_copy",
                source="售房单位",
                standard="购房人为申请人或其配偶",
            ),
            Mat(
                "保障性住房购房资格确认文件",
                form="copy",
                source="住房保障部门",
                standard="确认对象为申请人或其配偶",
            ),
            PURCHASE_INVOICE,
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ003",
        "购买拆迁安置住房",
        keywords="拆迁 安置房 回迁 征收 购房",
        summary="职工购买拆迁（征收）安置住房，支付差价款的，可提取住房公积金。",
        conditions="安置协议约定由职工支付房屋差价款；提取金额不超过实际支付的差价款。",
        materials=(
            Mat(
                "房屋征收（拆迁）安置补偿协议",
                form="original_and_copy",
                source="房屋征收部门或实施单位",
                standard="被安置人为申请人或其配偶",
            ),
            Mat(
                "差价款缴款凭证",
                form="original_and_copy",
                source="房屋征收部门或实施单位",
                standard="金额清晰，加盖收款单位印章",
            ),
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ004",
        "建造、翻建自住住房",
        keywords="建房 自建房 翻建 盖房 宅基地",
        summary="职工在户籍所在地或本市建造、翻建自住住房的，可提取住房公积金。",
        conditions="取得建房（翻建）批准文件；提取总额不超过建造、翻建费用；申请在批准之日起2年内提出。",
        materials=(
            Mat(
                "建房或翻建批准文件（建设工程规划许可证或乡村建设规划许可证等）",
                form="original_and_copy",
                source="自然资源和规划部门或乡镇人民政府",
                standard="建房人为申请人或其配偶",
            ),
            Mat(
                "土地使用权证明或宅基地批准文件",
                form="copy",
                source="不动产登记机构或乡镇人民政府",
                standard="使用人为申请人或其家庭成员",
            ),
            Mat(
                "建房费用发票或施工合同及付款凭证",
                form="original_and_copy",
                source="施工单位、材料供应商",
                standard="金额与申请提取金额相符",
            ),
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ005",
        "大修自住住房",
        keywords="大修 维修 房屋维修 危房 修房",
        summary="职工自住住房经鉴定需要大修的，可提取住房公积金支付大修费用。",
        conditions="房屋为申请人或配偶所有；经具有资质的房屋安全鉴定机构鉴定需要大修；提取金额不超过大修费用。",
        materials=(
            house_title(),
            Mat(
                "房屋安全鉴定报告",
                form="original_and_copy",
                source="具有资质的房屋安全鉴定机构",
                standard="结论为需要大修",
            ),
            Mat(
                "大修预算或施工合同及付款凭证",
                form="original_and_copy",
                source="施工单位",
                standard="金额清晰",
            ),
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ006",
        "偿还本市住房公积金贷款本息",
        keywords="还贷 还公积金贷款 偿还贷款 公积金贷款 冲还贷 年冲",
        summary="借款人及其配偶可提取住房公积金偿还在本中心申请的住房公积金贷款本息。",
        conditions="住房公积金贷款正常还款，无逾期；每年可提取一次，提取金额不超过上一次提取以来实际偿还的本息。",
        materials=(loan_contract(), marriage("提取配偶住房公积金偿还贷款的")),
        online_available=True,
        online_note="可通过网上营业厅、手机公积金APP在线办理",
        notes="签订按月委托提取协议的，可按月自动提取还贷，无需每年到窗口。",
    ),
    withdrawal(
        "TQ007",
        "委托按月提取住房公积金偿还贷款（签约）",
        keywords="对冲 按月还贷 委托提取 冲贷 月冲 签约 自动还款",
        summary="住房公积金贷款借款人及配偶签订委托协议，每月自动提取住房公积金账户余额偿还当月贷款。",
        conditions="在本中心有正常还款的住房公积金贷款；借款人或配偶正常缴存住房公积金。",
        materials=(
            loan_contract(),
            Mat(
                "《委托按月提取住房公积金偿还贷款协议》",
                form="original",
                source="中心提供（窗口免费领取）",
                standard="借款人及参与提取的配偶签字",
                provided_form="委托按月提取住房公积金偿还贷款协议",
            ),
            marriage("配偶参与委托提取的"),
        ),
        result="协议次月起，每月自动提取住房公积金偿还贷款",
        core=(id_card(),),
    ),
    withdrawal(
        "TQ008",
        "委托按月提取偿还贷款（变更、解约）",
        keywords="对冲 解约 变更 取消自动还款 月冲 委托提取",
        summary="变更或解除按月委托提取住房公积金偿还贷款的协议。",
        conditions="已签订按月委托提取协议。",
        materials=(
            Mat(
                "委托按月提取协议（借款人留存联）",
                "conditional",
                "借款人仍留存协议的",
                form="original",
                source="借款人留存",
                standard="协议编号清晰",
            ),
        ),
        result="协议自次月起变更或终止",
        core=(id_card(),),
    ),
    withdrawal(
        "TQ009",
        "偿还商业性住房贷款本息",
        keywords="商贷 商业贷款 银行贷款 还贷 按揭",
        summary="职工及配偶购买自住住房申请商业性个人住房贷款的，可提取住房公积金偿还贷款本息。",
        conditions="商业性住房贷款正常还款；每年可提取一次，提取金额不超过上一次提取以来实际偿还的本息。",
        materials=(
            Mat(
                "商业性个人住房借款合同",
                form="original_and_copy",
                source="贷款银行",
                standard="借款人为申请人或其配偶，用途为购买自住住房",
            ),
            Mat(
                "贷款银行出具的还款明细",
                form="original",
                source="贷款银行",
                standard="加盖银行业务印章，覆盖申请提取期间",
            ),
            house_title("已取得不动产权证书的"),
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ010",
        "偿还异地住房公积金贷款本息",
        keywords="异地贷款 外地公积金贷款 异地还贷",
        summary="职工在外地申请住房公积金贷款购买自住住房的，可提取本市账户的住房公积金偿还贷款本息。",
        conditions="异地住房公积金贷款正常还款；每年可提取一次。",
        materials=(
            Mat(
                "异地住房公积金借款合同",
                form="original_and_copy",
                source="贷款地住房公积金管理中心或受托银行",
                standard="借款人为申请人或其配偶",
            ),
            Mat(
                "贷款地中心或受托银行出具的还款明细",
                form="original",
                source="贷款地住房公积金管理中心或受托银行",
                standard="加盖业务印章",
            ),
            marriage("提取配偶住房公积金的"),
        ),
    ),
    withdrawal(
        "TQ011",
        "提前偿还住房公积金贷款",
        keywords="提前还款 提前还贷 一次性还清 部分还款 结清",
        summary="借款人提前偿还本中心住房公积金贷款时，提取本人及配偶住房公积金用于提前还款。",
        conditions="贷款无逾期；提取金额不超过提前还款金额。",
        materials=(loan_contract(), marriage("提取配偶住房公积金的")),
        notes="提取与提前还款在同一窗口一次办结，可与“提前结清住房公积金贷款”“提前偿还住房公积金贷款本金”一并办理。",
    ),
    withdrawal(
        "TQ012",
        "租赁住房",
        keywords="租房 租赁 房租 无房 租房提取",
        summary="职工及配偶在本市无自有住房且租赁住房的，可按规定额度提取住房公积金支付房租。",
        conditions="职工及配偶在本市无自有住房；连续足额缴存满3个月；每年可提取一次，提取金额不超过本市规定的年度租房提取额度和实际房租。",
        materials=(
            Mat(
                "房屋租赁合同",
                "conditional",
                "提取金额超过本市无房租房提取基本额度的",
                form="original_and_copy",
                source="本人自备",
                standard="已办理租赁登记备案",
            ),
            Mat(
                "房租发票或租金支付凭证",
                "conditional",
                "提取金额超过本市无房租房提取基本额度的",
                form="original_and_copy",
                source="出租人或税务机关",
                standard="金额与租赁合同一致",
            ),
            marriage("提取配偶住房公积金的"),
        ),
        notes="本中心通过不动产登记信息核查本市住房情况，无需职工开具无房证明。",
        online_available=True,
        online_note="按基本额度提取的，可通过手机公积金APP在线办理",
    ),
    withdrawal(
        "TQ013",
        "租赁公共租赁住房",
        keywords="公租房 廉租房 保障性租赁 房租",
        summary="职工租住政府公共租赁住房的，可按实际租金提取住房公积金。",
        conditions="与公共租赁住房运营管理单位签订租赁合同并按时缴纳租金。",
        materials=(
            Mat(
                "公共租赁住房租赁合同",
                form="original_and_copy",
                source="公租房运营管理单位",
                standard="承租人为申请人或其配偶",
            ),
            Mat("租金缴纳凭证", form="original", source="公租房运营管理单位", standard="覆盖申请提取期间"),
        ),
    ),
    withdrawal(
        "TQ014",
        "离休、退休",
        keywords="退休 离休 养老 销户 退休提取",
        summary="职工离休、退休的，可提取住房公积金账户全部余额并注销账户。",
        legal_basis=ART24
        + "：职工离休、退休的，可以提取职工住房公积金账户内的存储余额，并同时注销职工住房公积金账户。",
        conditions="已办理离休、退休手续，或达到法定退休年龄；无未结清的住房公积金贷款（有贷款的先结清或余额抵扣）。",
        materials=(
            Mat(
                "离休、退休证明",
                "conditional",
                "未达到法定退休年龄办理退休或信息无法核验的",
                form="original_and_copy",
                source="人力资源社会保障部门或组织人事部门",
                standard="写明离退休日期",
            ),
        ),
        result="账户全部余额转入本人银行账户，账户注销",
        online_available=True,
        online_note="达到法定退休年龄的，可通过手机公积金APP在线办理",
    ),
    withdrawal(
        "TQ015",
        "出境定居",
        keywords="出国 出境 定居 移民 销户",
        summary="职工出境定居的，可提取住房公积金账户全部余额并注销账户。",
        legal_basis=ART24 + "：出境定居的，可以提取并同时注销职工住房公积金账户。",
        conditions="已取得出境定居证明；户籍已注销。",
        materials=(
            Mat(
                "出境定居证明（公安机关出具的户籍注销证明或定居国居留证件）",
                form="original_and_copy",
                source="公安机关 / 定居国主管机关",
                standard="外文材料附中文翻译件",
            ),
        ),
        result="账户全部余额转入本人银行账户，账户注销",
    ),
    withdrawal(
        "TQ016",
        "完全丧失劳动能力并与单位终止劳动关系",
        keywords="丧失劳动能力 伤残 病退 终止劳动关系",
        summary="职工完全丧失劳动能力，并与单位终止劳动关系的，可提取账户全部余额并注销账户。",
        legal_basis=ART24
        + "：完全丧失劳动能力，并与单位终止劳动关系的，可以提取并同时注销职工住房公积金账户。",
        conditions="经劳动能力鉴定委员会鉴定完全丧失劳动能力；已与单位终止劳动关系。",
        materials=(
            Mat(
                "劳动能力鉴定结论书",
                form="original_and_copy",
                source="劳动能力鉴定委员会",
                standard="结论为完全丧失劳动能力",
            ),
            Mat(
                "与单位终止劳动关系的证明",
                form="original",
                source="原单位或人力资源社会保障部门",
                standard="加盖单位公章",
            ),
        ),
        result="账户全部余额转入本人银行账户，账户注销",
    ),
    withdrawal(
        "TQ017",
        "职工死亡或被宣告死亡（继承人、受遗赠人提取）",
        keywords="死亡 继承 遗产 受遗赠 去世 过世",
        summary="职工死亡或者被宣告死亡的，其继承人、受遗赠人可以提取账户内的存储余额。",
        legal_basis=ART24
        + "：职工死亡或者被宣告死亡的，职工的继承人、受遗赠人可以提取职工住房公积金账户内的存储余额。",
        conditions="申请人为死亡（被宣告死亡）职工的合法继承人或受遗赠人。",
        materials=(
            Mat(
                "死亡证明或人民法院宣告死亡的判决书",
                form="original_and_copy",
                source="医疗机构、公安机关或人民法院",
                standard="死者姓名、身份证号码与账户一致",
            ),
            Mat(
                "继承权或受遗赠权公证书，或人民法院的判决书、调解书",
                form="original_and_copy",
                source="公证机构或人民法院",
                standard="写明继承人、受遗赠人及份额",
            ),
        ),
        result="按继承份额转入各继承人、受遗赠人的银行账户，账户注销",
        notes="申请人身份证件、银行卡为继承人、受遗赠人本人的；多名继承人的，可共同委托一人办理。",
    ),
    withdrawal(
        "TQ018",
        "享受城镇最低生活保障",
        keywords="低保 最低生活保障 困难 生活困难",
        summary="职工家庭享受城镇最低生活保障的，可提取住房公积金。",
        conditions="职工或其家庭正在享受城镇最低生活保障。",
        materials=(
            Mat("城镇最低生活保障证明", form="original_and_copy", source="民政部门", standard="在保障期内"),
        ),
    ),
    withdrawal(
        "TQ019",
        "与单位终止劳动关系且户口不在本市",
        keywords="离职 辞职 外地户口 非本市户籍 解除劳动合同 返乡",
        summary="非本市户籍职工与单位终止劳动关系、未在异地继续缴存的，可提取账户余额并注销账户。",
        conditions="非本市户籍；与单位终止劳动关系且账户封存满半年；未在异地继续缴存住房公积金。",
        materials=(
            Mat(
                "与单位终止劳动关系的证明",
                form="original",
                source="原单位",
                standard="加盖单位公章，或提供解除劳动合同证明书",
            ),
            Mat("户口簿", form="original_and_copy", source="公安机关户籍部门", standard="户籍不在本市"),
        ),
        result="账户全部余额转入本人银行账户，账户注销",
    ),
    withdrawal(
        "TQ020",
        "本人或家庭成员患重大疾病",
        keywords="大病 重大疾病 医疗 住院 看病",
        summary="职工本人、配偶、父母或子女患重大疾病，造成家庭生活严重困难的，可提取住房公积金。",
        conditions="所患疾病属于本市规定的重大疾病范围；提取金额不超过个人负担的医疗费用。",
        materials=(
            Mat(
                "二级及以上医院出具的诊断证明",
                form="original_and_copy",
                source="医疗机构",
                standard="诊断结论属于规定的重大疾病",
            ),
            Mat(
                "医疗费用票据及医保结算单",
                form="original_and_copy",
                source="医疗机构、医疗保障部门",
                standard="个人负担部分清晰",
            ),
            Mat(
                "亲属关系证明（户口簿、结婚证或出生医学证明等）",
                "conditional",
                "患病人为配偶、父母或子女的",
                form="original_and_copy",
                source="公安机关、民政部门或医疗机构",
                standard="能证明与申请人的亲属关系",
            ),
        ),
    ),
    withdrawal(
        "TQ021",
        "遭遇重大突发事件导致家庭生活严重困难",
        keywords="突发事件 灾害 火灾 意外 困难 自然灾害",
        summary="职工家庭遭遇自然灾害、重大意外等突发事件，造成家庭生活严重困难的，可提取住房公积金。",
        conditions="突发事件经有关部门认定；造成家庭生活严重困难。",
        materials=(
            Mat(
                "有关部门出具的突发事件认定证明",
                form="original_and_copy",
                source="应急管理、民政部门或街道（乡镇）",
                standard="写明事件和损失情况",
            ),
        ),
    ),
    withdrawal(
        "TQ022",
        "既有住宅加装电梯",
        keywords="加装电梯 电梯 老楼 既有住宅",
        summary="职工为本人或配偶所有的既有住宅加装电梯，可提取住房公积金支付应分摊的费用。",
        conditions="加装电梯项目已取得审批或备案；提取金额不超过本人实际分摊的费用。",
        materials=(
            house_title(),
            Mat(
                "加装电梯项目审批（备案）文件",
                form="copy",
                source="住房和城乡建设部门或街道办事处",
                standard="项目地址与房屋一致",
            ),
            Mat(
                "费用分摊协议及出资凭证",
                form="original_and_copy",
                source="业主共同签订 / 项目实施主体",
                standard="写明申请人分摊的金额",
            ),
        ),
    ),
    withdrawal(
        "TQ023",
        "城镇老旧小区改造",
        keywords="老旧小区 改造 旧改 小区改造",
        summary="职工自住住房所在小区纳入城镇老旧小区改造，需居民出资的，可提取住房公积金支付出资。",
        conditions="小区已纳入本市城镇老旧小区改造计划；提取金额不超过本人实际出资。",
        materials=(
            house_title(),
            Mat(
                "老旧小区改造居民出资证明",
                form="original_and_copy",
                source="街道办事处或改造实施单位",
                standard="写明房屋地址和出资金额",
            ),
        ),
    ),
    withdrawal(
        "TQ024",
        "自愿缴存人终止缴存销户",
        keywords="灵活就业 自愿缴存 销户 终止 停缴提取",
        summary="自愿缴存人终止自愿缴存协议且符合提取条件的，提取账户余额并注销账户。",
        conditions="已终止自愿缴存协议；无未结清的住房公积金贷款。",
        materials=(
            Mat(
                "《自愿缴存住房公积金协议》（本人留存联）",
                "conditional",
                "本人仍留存协议的",
                form="original",
                source="本人留存",
                standard="协议编号清晰",
            ),
        ),
        result="账户全部余额转入本人银行账户，账户注销",
    ),
    withdrawal(
        "TQ025",
        "父母或子女购买自住住房",
        keywords="子女购房 父母购房 直系亲属 购房 帮子女买房",
        summary="职工的父母或子女在本市购买首套自住住房的，职工可提取住房公积金支持其购房。",
        conditions="购房人为申请人的父母或子女，所购为其首套自住住房；提取总额不超过购房款扣除购房人本人及配偶提取额后的余额。",
        materials=(
            PURCHASE_CONTRACT,
            PURCHASE_INVOICE,
            Mat(
                "亲属关系证明（户口簿或出生医学证明等）",
                form="original_and_copy",
                source="公安机关户籍部门或医疗机构",
                standard="能证明申请人与购房人为父母子女关系",
            ),
        ),
    ),
    withdrawal(
        "TQ026",
        "进城落户农民购买自住住房",
        keywords="进城落户 农民 购房 新市民 农村转移人口",
        summary="进城落户的农业转移人口在本市购买首套自住住房的，可提取住房公积金。",
        conditions="本人户籍已迁入本市城镇；所购住房为首套自住住房。",
        materials=(
            PURCHASE_CONTRACT,
            PURCHASE_INVOICE,
            Mat("户口簿", form="original_and_copy", source="公安机关户籍部门", standard="落户地为本市城镇"),
        ),
    ),
)
