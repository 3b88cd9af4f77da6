"""办结通知单 — 002 篇5 §四 反馈.

1、审批事项办结后，窗口单位要将审批事项办理结果及时反馈申请人，并将审批事项办结通知单当场交付申请人。
2、……经审议或核查确定不予批准的，应当在承诺时限内通知申请人，退回有关申请材料并书面说明不予批准的理由。
"""

from __future__ import annotations

from documents import samples
from documents.blocks import (
    Audience,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    SignatureLine,
    Signatures,
    Steps,
)
from documents.contexts import CompletionNoticeContext
from documents.formatting import fmt_date, fmt_date_weekday, fmt_datetime, local, phone_for
from documents.forms.base import FormDefinition, issuer_line, qr_box, register, two_parts
from documents.forms.rejection_notice import appeal_blocks

CODE = "completion_notice"
TITLE = "办结通知单"


def on_time(ctx: CompletionNoticeContext) -> bool:
    return local(ctx.completed_at).date() <= ctx.deadline


def build(ctx: CompletionNoticeContext) -> Document:
    return Document(
        form_code=CODE,
        title=TITLE,
        issuer=issuer_line(ctx.centre_name, ctx.branch_name),
        number_label="受理编号",
        number=ctx.receipt_no,
        date_text=fmt_datetime(ctx.completed_at),
        parts=two_parts(
            lambda audience: _blocks(ctx, audience),
            citizen_note="此联当场交付申请人",
            archive_note="此联由窗口单位留存",
            qr=qr_box(ctx.qr_url, "扫码评价本次服务"),
        ),
        basis="依据窗口办件工作规程：审批事项办结后，将办理结果及时反馈申请人，并将办结通知单当场交付申请人。",
    )


def _blocks(ctx: CompletionNoticeContext, audience: Audience) -> tuple[Block, ...]:
    a = ctx.applicant
    approved = ctx.outcome == "approved"
    rows = [
        ("申请人", a.name),
        ("联系电话", phone_for(a.phone, audience)),
        ("办理事项", ctx.matter_name + (f"（{ctx.matter_code}）" if ctx.matter_code else "")),
        ("受理编号", ctx.receipt_no),
        ("受理时间", fmt_datetime(ctx.accepted_at)),
        ("承诺办结日期", fmt_date_weekday(ctx.deadline)),
        ("办结时间", fmt_datetime(ctx.completed_at)),
        ("办结情况", "按期办结" if on_time(ctx) else "超过承诺时限办结"),
        ("办理结果", "准予办理" if approved else "不予批准"),
        ("业务流水号", ctx.transaction_no or "—"),
        ("承办人", ctx.handler.name + (f"（工号 {ctx.handler.staff_no}）" if ctx.handler.staff_no else "")),
        ("承办人电话", ctx.handler.phone or "—"),
    ]
    blocks: list[Block] = [Fields(tuple(rows)), Heading("办理结果"), Para(ctx.result, "lead")]
    if not approved:
        blocks += [Heading("不予批准的理由"), Para(ctx.refusal_reason)]
        if ctx.appeal:
            blocks += appeal_blocks(ctx.appeal)
    if ctx.delivery:
        blocks.append(Para(f"领取/送达方式：{ctx.delivery}"))
    blocks.append(Heading("请您评价"))
    blocks.append(Steps((*ctx.rating_channels, f"投诉电话：{ctx.complaint_phone}")))
    blocks.append(
        Signatures(
            (
                SignatureLine("申请人签收"),
                SignatureLine("承办人", text=ctx.handler.name, date_text=fmt_date(ctx.completed_at)),
            )
        )
    )
    return tuple(blocks)


def sample() -> CompletionNoticeContext:
    return samples.completion_notice()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="002 篇5 §四1、2、3",
        description="办结后当场交付申请人：办理结果、是否按期、业务流水号；不予批准的写明理由和异议途径。",
        context_model=CompletionNoticeContext,
        build=build,
        sample=sample,
    )
)
