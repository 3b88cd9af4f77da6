"""问题交办函 — 004 §四 第三方监督.

"发现问题，中心向网点下达《问题交办函》，网点收到《问题交办函》后，进行自查自纠，形成《问题整改
报告》，并由直接责任人须写出书面《个人检查》。同时查找原因、举一反三、完善制度，杜绝类似事件再次
发生。"

Owned by the supervision app (supervision/views.py renders it for an issue notice); it is
registered when that app is ready (supervision/apps.py), so the documents package does not
import the apps built on top of it.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from documents.blocks import Audience, Block, Document, Fields, Heading, Para, Part, SignatureLine, Signatures
from documents.formatting import fmt_date
from documents.forms.base import FormDefinition, register

CODE = "issue_notice"
TITLE = "问题交办函"


class IssueNoticeContext(BaseModel):
    """What the letter prints; the supervision app builds it from an IssueNotice."""

    model_config = ConfigDict(extra="forbid")

    centre_name: str = Field(min_length=1)
    no: str = Field(min_length=1)
    branch_name: str = Field(min_length=1)
    year: int
    quarter: int = Field(ge=1, le=4)
    firm: str = Field(min_length=1)
    observed_on: date
    aspect: str = Field(min_length=1)
    window: str = ""
    staff_name: str = ""
    description: str = Field(min_length=1)
    requirements: str = Field(min_length=1)
    issued_on: date
    deadline: date
    issuer: str = Field(min_length=1, description="交办部门，如业务管理处")


def build(ctx: IssueNoticeContext) -> Document:
    return Document(
        form_code=CODE,
        title=TITLE,
        issuer=f"{ctx.centre_name} {ctx.issuer}",
        number_label="交办函编号",
        number=ctx.no,
        date_text=fmt_date(ctx.issued_on),
        parts=(Part("", Audience.INTERNAL, _blocks(ctx), "交办部门与网点各存一份"),),
        basis="依据：第三方监督发现问题，中心向网点下达《问题交办函》（004 §四）。",
    )


def _blocks(ctx: IssueNoticeContext) -> tuple[Block, ...]:
    where = "，".join(x for x in (ctx.window, ctx.staff_name) if x) or "—"
    return (
        Para(f"{ctx.branch_name}："),
        Para(
            f"{ctx.year}年第{ctx.quarter}季度第三方监督检查（{ctx.firm}）发现你单位存在以下问题，现交由你单位办理。"
        ),
        Fields(
            (
                ("发现日期", fmt_date(ctx.observed_on)),
                ("问题方面", ctx.aspect),
                ("窗口/人员", where),
                ("整改期限", fmt_date(ctx.deadline)),
            )
        ),
        Heading("问题描述"),
        Para(ctx.description),
        Heading("整改要求"),
        Para(ctx.requirements),
        Para(
            f"请于{fmt_date(ctx.deadline)}前将《问题整改报告》和直接责任人的书面《个人检查》报送{ctx.issuer}。"
            "请认真自查自纠，查找原因、举一反三、完善制度，杜绝类似问题再次发生。"
        ),
        Signatures(
            (
                SignatureLine("交办部门盖章", text=ctx.issuer, date_text=fmt_date(ctx.issued_on)),
                SignatureLine("网点签收人"),
            )
        ),
    )


def sample() -> IssueNoticeContext:
    return IssueNoticeContext(
        centre_name="邯郸市住房公积金管理中心",
        no="JB2026-001",
        branch_name="中心服务大厅",
        year=2026,
        quarter=1,
        firm="某某市场调查有限公司",
        observed_on=date(2026, 3, 18),
        aspect="服务行为",
        window="中心服务大厅 4号窗口",
        staff_name="高燕",
        description="神秘客户咨询提取住房公积金偿还房贷所需材料，窗口工作人员未一次性告知全部材料。",
        requirements="请进行自查自纠，形成《问题整改报告》，并由直接责任人写出书面《个人检查》，按期报送业务管理处。",
        issued_on=date(2026, 4, 7),
        deadline=date(2026, 4, 21),
        issuer="业务管理处",
    )


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="004 §四",
        description="第三方监督发现问题后向网点下达：问题、整改要求、整改期限；网点据此报送整改报告和个人检查。",
        context_model=IssueNoticeContext,
        build=build,
        sample=sample,
        citizen_copy=False,
    )
)
