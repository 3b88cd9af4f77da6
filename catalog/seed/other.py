# ruff: noqa: E501 — guide texts are data; a sentence is not broken to fit a line.
"""其他 matters: consultation, online services, archives, home visits, results."""

from __future__ import annotations

from catalog.seed.common import (
    FEE,
    L_CENTRE,
    LAW,
    ONLINE,
    PLACE_ANY,
    PROC_IMMEDIATE,
    RATE,
    TAKE,
    Mat,
    MatterSeed,
    agent_id,
    form,
    id_card,
    proc_promised,
    proxy,
    unit_letter,
    unit_license,
)


def other(code: str, name: str, **kw: object) -> MatterSeed:
    defaults: dict = dict(
        category="other",
        service_object="personal",
        handling_type="immediate",
        procedure=PROC_IMMEDIATE,
        promised_days=0,
        limit_basis=L_CENTRE,
        place=PLACE_ANY,
        fee_note=FEE,
    )
    defaults.update(kw)
    return MatterSeed(code=code, name=name, **defaults)


MATTERS: tuple[MatterSeed, ...] = (
    other(
        "QT001",
        "住房公积金政策咨询（含12329热线电话咨询）",
        keywords="咨询 政策 12329 电话咨询 问一下 怎么办",
        summary="解答住房公积金缴存、提取、贷款政策和办理流程；电话咨询时一次性口头告知所需材料、办理程序和时限。",
        legal_basis="000 §五(三)3：办事职工电话咨询有关办理事宜时，经办人应一次性告知办理事项的申请材料、办理程序和受理时限，告知形式为口头告知，并做好一次性告知的记录。",
        conditions="无。",
        materials=(),
        procedure=(
            "到服务大厅咨询引导台咨询，或拨打12329服务热线",
            "首问责任人解答；涉及具体事项的，一次性告知所需的全部材料、办理流程和时限（现场为书面《一次性告知清单》，电话为口头告知并记录）",
            "不属于本人职责的，由首问责任人联系相关部门答复，不推诿",
        ),
        result="当场答复；需要研究的，约定时间答复",
        appointment_allowed=False,
        online_available=True,
        online_note="可在中心网站、手机公积金APP的“在线咨询”留言",
    ),
    other(
        "QT002",
        "单位网上业务开通及数字证书申领",
        keywords="网厅 网上营业厅 单位网厅 数字证书 CA 开通网上业务",
        summary="缴存单位开通网上营业厅，申领数字证书后可在线办理汇缴、增员、减员等业务。",
        service_object="employer",
        legal_basis=f"{LAW}第十三条；本中心网上业务管理规定。",
        conditions="单位已在本中心办理缴存登记。",
        materials=(form("单位网上业务开通申请表"), unit_license(), agent_id(), unit_letter()),
        result="开通单位网上营业厅，发放数字证书",
    ),
    other(
        "QT003",
        "个人网上业务实名注册及查询密码重置",
        keywords="注册 实名 密码 忘记密码 重置密码 APP 登录",
        summary="职工注册网上营业厅、手机公积金APP，或重置个人查询密码。",
        legal_basis=f"{LAW}第三十二条：职工有权查询本人住房公积金的缴存、提取情况。",
        conditions="本人在本中心有住房公积金账户。",
        materials=(id_card(),),
        result="完成实名注册或密码重置",
        online_available=True,
        online_note="可通过手机公积金APP人脸识别自助注册和重置密码",
        notes="查询密码须本人办理，不能委托他人代办。",
    ),
    other(
        "QT004",
        "住房公积金业务档案查阅",
        keywords="档案 查档 调档 复印档案 业务档案",
        summary="职工或单位查阅、复印本人（本单位）的住房公积金业务档案。",
        handling_type="promised",
        legal_basis=f"{LAW}第三十二条。",
        conditions="查阅本人或本单位的档案；他人档案须持人民法院、纪检监察等机关的协查文书。",
        materials=(
            id_card(),
            Mat(
                "单位介绍信",
                "conditional",
                "单位查阅本单位档案的",
                form="original",
                source="缴存单位",
                standard="加盖单位公章",
            ),
            proxy(),
        ),
        procedure=proc_promised("调取档案", "在档案查阅室查阅或复印并加盖档案证明章"),
        result="提供档案查阅或加盖证明章的复印件",
        promised_days=3,
    ),
    other(
        "QT005",
        "老年人、残疾人等特殊群体上门服务预约",
        keywords="上门服务 老年人 残疾人 行动不便 绿色通道 病人",
        summary="年老体弱、重病、残疾等行动不便的办事职工，可预约工作人员上门办理提取等业务。",
        handling_type="promised",
        legal_basis="000 §二(三)3：办理业务时应内外一致，先急后缓，对老、幼、病、残、军人实行优先照顾；本中心便民服务承诺。",
        conditions="办事职工本人行动不便，无法到服务大厅办理。",
        materials=(
            Mat(
                "行动不便的情况说明或证明（病历、残疾人证等）",
                form="copy",
                source="家属提供",
                standard="能说明本人无法到大厅",
            ),
            Mat("联系人有效身份证件", source="家属或联系人自备", standard="在有效期内"),
        ),
        procedure=(
            "家属或联系人拨打12329或到任一服务窗口预约",
            "中心在承诺时限内安排两名工作人员携带设备上门",
            "上门核验本人身份和意愿，办理业务，办结后告知结果",
            RATE,
        ),
        result="安排工作人员上门办理",
        promised_days=3,
        appointment_allowed=True,
    ),
    other(
        "QT006",
        "办件进度和结果查询",
        keywords="查询进度 办件查询 受理编号 查询密码 结果查询",
        summary="凭受理编号和查询密码查询承诺件、联办件、上报件的办理进度和结果。",
        legal_basis="002 篇5 §四3：申请人可以通过电话、网络、触摸屏等形式查询申请事项办理情况。",
        conditions="持有《受理通知单》。",
        materials=(
            Mat(
                "《受理通知单》（申请人联）",
                form="original",
                source="受理时由中心出具",
                standard="受理编号和查询密码清晰",
            ),
        ),
        procedure=(TAKE, "窗口工作人员凭受理编号和查询密码查询并告知办理进度", RATE),
        result="告知办理进度和结果",
        online_available=True,
        online_note="可拨打12329、扫描《受理通知单》上的二维码或在中心网站自助查询",
        appointment_allowed=False,
    ),
)

EXTRA_COLLECTION: tuple[MatterSeed, ...] = (
    MatterSeed(
        code="GJ025",
        category="collection",
        service_object="employer",
        name="单位缴存银行账户变更",
        keywords="银行账户变更 单位账户 开户行变更 缴款账户",
        summary="单位变更用于缴存住房公积金的银行结算账户。",
        handling_type="immediate",
        legal_basis=f"{LAW}第十二条、第十九条。",
        conditions="新账户为单位名下的银行结算账户。",
        materials=(
            form("住房公积金单位信息变更登记表"),
            Mat("新银行结算账户开户证明", form="copy", source="开户银行", standard="复印件加盖单位公章"),
            agent_id(),
        ),
        procedure=PROC_IMMEDIATE,
        result="单位缴存银行账户变更生效",
        promised_days=0,
        limit_basis="000 §五(二)3(1)：时限为即办的缴存业务（单位基本资料变更）",
        place="中心服务大厅归集业务窗口（1、2号）及综合业务窗口（8号），各县（市、区）管理部综合业务窗口",
        fee_note=FEE,
        online_available=True,
        online_note=ONLINE,
    ),
)
