"""Every write of the appraisal (002 篇2): opening a quarter and choosing who is
appraised, manual entries with evidence, the peer-review ballot, publishing the results
on the notice board (公示栏) and withdrawing a publication.

Keyword-only, typed, one transaction each. A quarter or an entry moves only through
`audit.transitions.transition` along its model's `TRANSITIONS` (its event row and the
audit event with it); a record's creation writes its first event here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from appraisal import conf
from appraisal.models import (
    NEW,
    AppraisalEntry,
    AppraisalPublication,
    AppraisalQuarter,
    AppraisalResult,
    ChangeStatus,
    EntryStatus,
    Participant,
    PeerBallot,
    PeerVote,
    PublishedChange,
    QuarterStatus,
)
from appraisal.staff_scoring import AppraisalInputError, PersonInput, score_person
from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.actors import Actor, actor_label, event_actor, forbidden, require_staff, user_or_none
from common.errors import Conflict, DomainError
from common.periods import Period
from org.access import has_role
from org.models import Role, Staff
from rules.models import RuleKind
from rules.schemas import StaffAppraisalParams
from rules.selectors import rules_in_force

EVIDENCE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf"}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _invalid(message: str) -> DomainError:
    return DomainError(message, code="invalid_input")


def _office(actor: Actor, what: str) -> None:
    if isinstance(actor, str) or actor is None or not has_role(actor, Role.OFFICE):
        raise forbidden(f"{what}由业务管理处办理。")


def _record_created(obj: AppraisalQuarter | AppraisalEntry, *, actor: Actor, note: str) -> None:
    """The first event of a new quarter or entry: from nothing to its initial status."""
    user, label = event_actor(actor)
    obj.events.create(actor=user, actor_label=label, from_status=NEW, to_status=obj.status, note=note)


def quarter_range(quarter: AppraisalQuarter) -> Period:
    return Period.quarter(quarter.year, quarter.quarter)


def quarter_params(quarter: AppraisalQuarter) -> StaffAppraisalParams:
    """The staff-appraisal rules in force on the quarter's last day (a period is scored
    with the rules in force in that period)."""
    return rules_in_force(RuleKind.STAFF_APPRAISAL, quarter_range(quarter).end).params


def default_participants() -> list[Staff]:
    """Active staff of a branch up to the product's rank (window staff, not the heads)."""
    return list(
        Staff.objects.filter(is_active=True, branch__isnull=False, rank__lte=conf.max_rank_appraised())
        .select_related("branch")
        .order_by("branch__code", "staff_no")
    )


@transaction.atomic
def quarter_open(
    *, actor: Actor, year: int, quarter: int, staff: Sequence[Staff] | None = None
) -> AppraisalQuarter:
    """Open a quarter's appraisal with the window staff appraised in it."""
    _office(actor, "开始季度考核")
    opener = user_or_none(actor)
    if quarter not in (1, 2, 3, 4):
        raise _invalid("季度应为 1–4。")
    period = Period.quarter(year, quarter)
    if period.start > clock.today():
        raise _invalid("不能开始尚未到来的季度的考核。")
    rules = rules_in_force(RuleKind.STAFF_APPRAISAL, period.end)
    try:
        with transaction.atomic():
            q = AppraisalQuarter.objects.create(
                year=year, quarter=quarter, status=QuarterStatus.OPEN, rules_ref=rules.ref, opened_by=opener
            )
    except IntegrityError:
        raise Conflict(f"{year}年第{quarter}季度的考核已经开始。") from None
    people = list(staff) if staff is not None else default_participants()
    Participant.objects.bulk_create([Participant(quarter=q, staff=s) for s in people])
    _record_created(q, actor=actor, note=f"考核对象 {len(people)} 人，规则集 {rules.ref}")
    audit_record(
        actor=actor, action="appraisal.quarter.open", obj=q, summary=f"开始{q}考核（{len(people)}人）"
    )
    return q


@transaction.atomic
def participants_set(*, actor: Actor, quarter: AppraisalQuarter, staff: Sequence[Staff]) -> int:
    """Choose who is appraised while the quarter is open."""
    _office(actor, "确定考核对象")
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.status != QuarterStatus.OPEN:
        raise Conflict("已公示的季度不能更改考核对象，请先撤回公示。")
    wanted = {s.pk for s in staff}
    current = set(quarter.participants.values_list("staff_id", flat=True))
    voted = set(PeerBallot.objects.filter(quarter=quarter).values_list("rater_id", flat=True))
    if (current - wanted) & voted:
        raise Conflict("已提交互评的人员不能移出考核对象。")
    Participant.objects.filter(quarter=quarter, staff_id__in=current - wanted).delete()
    Participant.objects.bulk_create([Participant(quarter=quarter, staff_id=pk) for pk in wanted - current])
    audit_record(
        actor=actor,
        action="appraisal.quarter.participants",
        obj=quarter,
        summary=f"考核对象：增加 {len(wanted - current)} 人，移出 {len(current - wanted)} 人",
        changes={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    return len(wanted)


def _check_evidence(upload: UploadedFile | None) -> None:
    if not upload:
        return
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise _invalid("证明材料请上传 jpg、png 照片或 pdf 扫描件。")
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise _invalid("证明材料超过 5 MB，请压缩后再上传。")
    head = upload.read(8)
    upload.seek(0)
    if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG") or head.startswith(b"%PDF")):
        raise _invalid("证明材料的内容与扩展名不符。")


@transaction.atomic
def entry_record(
    *,
    actor: Actor,
    quarter: AppraisalQuarter,
    staff: Staff,
    item_code: str,
    quantity: int,
    occurred_on: date,
    evidence: str,
    evidence_file: UploadedFile | None = None,
    other_party: Staff | None = None,
) -> AppraisalEntry:
    """A deduction or bonus item no record shows, with its evidence (002 篇2 一). An item
    of both parties (C5 代为签到, 双方各扣) is entered for the other party too."""
    _office(actor, "登记考核项目")
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.status != QuarterStatus.OPEN:
        raise Conflict(f"{quarter}的考核已公示，不能再登记；确需更正的请先撤回公示。")
    params = quarter_params(quarter)
    try:
        item = params.item(item_code)
    except StopIteration:
        raise _invalid(f"考核规则集没有项目 {item_code}。") from None
    if quantity < 1:
        raise _invalid("次数（件数、天数、篇数）应为正整数。")
    if occurred_on not in quarter_range(quarter) or occurred_on > clock.today():
        raise _invalid(f"发生日期应在{quarter}内，且不晚于今天。")
    if not evidence.strip():
        raise _invalid("请写明依据（证明材料、会议记录、表扬信等）。")
    _check_evidence(evidence_file)
    people = [staff]
    if item.both_parties:
        if other_party is None or other_party.pk == staff.pk:
            raise _invalid(f"{item.code}（{item.text}）双方各扣分，请选择另一方。")
        people.append(other_party)
    joined = set(quarter.participants.filter(staff__in=people).values_list("staff_id", flat=True))
    for person in people:
        if person.pk not in joined:
            raise _invalid(f"{person.name}不是{quarter}的考核对象。")
    is_bonus = item_code in {b.code for b in params.bonuses}
    entries = []
    for person in people:
        entry = AppraisalEntry.objects.create(
            quarter=quarter,
            staff=person,
            item_code=item.code,
            item_text=item.text,
            points_each=item.points,
            is_bonus=is_bonus,
            quantity=quantity,
            occurred_on=occurred_on,
            evidence=evidence.strip(),
            evidence_file=evidence_file if person is staff and evidence_file else "",
            status=EntryStatus.ACTIVE,
            rules_ref=quarter.rules_ref,
            recorded_by=user_or_none(actor),
            recorded_by_label=actor_label(actor),
        )
        entries.append(entry)
    if len(entries) == 2:
        entries[0].pair, entries[1].pair = entries[1], entries[0]
        for e in entries:
            e.save(update_fields=["pair"])
    _validate_person(quarter, params, staff)
    for e in entries:
        _record_created(e, actor=actor, note=f"{item.code}×{quantity}：{evidence.strip()[:100]}")
        audit_record(
            actor=actor,
            action="appraisal.entry.record",
            obj=e,
            summary=f"{e.staff.name} {item.code}×{quantity}（{quarter}）",
        )
    return entries[0]


def _validate_person(quarter: AppraisalQuarter, params: StaffAppraisalParams, staff: Staff) -> None:
    """Refuse an entry that makes the person's quarter unscorable (A4-1 without A4)."""
    from appraisal.inputs import collect

    lines, _, _ = collect(quarter, [staff], quarter_range(quarter))
    try:
        score_person(params, PersonInput(staff.pk, staff.name, lines=tuple(lines.get(staff.pk, []))))
    except AppraisalInputError as exc:
        raise _invalid(str(exc)) from None


@transaction.atomic
def entry_withdraw(*, actor: Actor, entry: AppraisalEntry, reason: str) -> AppraisalEntry:
    """Withdraw a wrong entry (kept, with the reason); its pair goes with it."""
    _office(actor, "撤销考核登记")
    entry = AppraisalEntry.objects.select_for_update().select_related("quarter").get(pk=entry.pk)
    if entry.quarter.status != QuarterStatus.OPEN:
        raise Conflict("已公示的季度不能撤销登记；确需更正的请先撤回公示。")
    if not reason.strip():
        raise _invalid("请填写撤销理由。")
    affected = [entry] + ([entry.pair] if entry.pair_id and entry.pair else [])
    for e in affected:
        e.withdrawn_reason = reason.strip()
        transition(
            e,
            EntryStatus.WITHDRAWN,
            actor=actor,
            note=reason.strip(),
            fields=["withdrawn_reason"],
            audit="appraisal.entry.withdraw",
            summary=f"撤销：{reason[:100]}" + (f"（与{entry}成对撤销）" if e is not entry else ""),
        )
    for e in affected:
        try:
            _validate_person(entry.quarter, quarter_params(entry.quarter), e.staff)
        except DomainError as exc:
            raise _invalid(
                f"撤销后{e.staff.name}的考核无法计分：{exc.message}请先撤销相关的加扣项目。"
            ) from None
    return entry


def rater_key(quarter: AppraisalQuarter, rater: Staff) -> str:
    """Keyed hash of (quarter, rater): stable for one person in one quarter, meaningless
    without the site's secret key."""
    message = f"peer-review:{quarter.pk}:{rater.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def peer_targets(quarter: AppraisalQuarter, rater: Staff) -> list[Staff]:
    """Whom a participant rates: the other participants of the same branch (the
    colleagues who see each other's work; the product's reading of 窗口工作人员互评)."""
    return list(
        Staff.objects.filter(
            pk__in=quarter.participants.values_list("staff_id", flat=True), branch_id=rater.branch_id
        )
        .exclude(pk=rater.pk)
        .order_by("staff_no")
    )


@transaction.atomic
def peer_ballot_submit(*, actor: Actor, quarter: AppraisalQuarter, votes: Mapping[int, str]) -> PeerBallot:
    """Cast the whole peer-review ballot of a quarter at once (好/中/差 for every
    colleague). Final: one vote per rater and colleague per quarter, never changed."""
    rater = require_staff(actor)
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.status != QuarterStatus.OPEN:
        raise Conflict(f"{quarter}的考核已公示，互评已结束。")
    if not quarter.participants.filter(staff=rater).exists():
        raise forbidden(f"您不是{quarter}的考核对象，不参加互评。")
    if PeerBallot.objects.filter(quarter=quarter, rater=rater).exists():
        raise Conflict("您已经提交过本季度的互评，互评提交后不能修改。")
    params = quarter_params(quarter)
    targets = {s.pk: s for s in peer_targets(quarter, rater)}
    if not targets:
        raise _invalid("本管理部没有其他考核对象，无需互评。")
    missing = [s.name for pk, s in targets.items() if pk not in votes]
    if missing:
        raise _invalid(f"请对每一位同事作出评价，还差：{'、'.join(missing)}。")
    if set(votes) - set(targets):
        raise _invalid("只能评价本管理部的其他考核对象。")
    levels = set(params.peer_review.levels)
    if any(v not in levels for v in votes.values()):
        raise _invalid(f"评价只能是：{'、'.join(params.peer_review.levels)}。")
    key = rater_key(quarter, rater)
    PeerVote.objects.bulk_create(
        [PeerVote(quarter=quarter, rater_key=key, target_id=pk, level=votes[pk]) for pk in sorted(votes)]
    )
    ballot = PeerBallot.objects.create(quarter=quarter, rater=rater, votes=len(votes))
    # The audit log names no rater (anonymity like the internal surveys): only that a ballot came in.
    audit_record(
        actor="互评（匿名）",
        action="appraisal.peer.ballot",
        obj=quarter,
        summary=f"收到一份互评（{len(votes)}票）",
    )
    return ballot


def result_fields(row: Any) -> dict[str, Any]:
    """What a publication stores of one person's result (a `selectors.PreviewRow`), and
    what a fresh computation is compared in (appraisal.republication)."""
    score = row.result.score

    def items(rows: Any) -> list[dict[str, Any]]:
        return [{"code": i.code, "text": i.text, "quantity": i.quantity, "points": i.points} for i in rows]

    return {
        "staff_id": row.staff.pk,
        "staff_name": row.staff.name,
        "staff_no": row.staff.staff_no,
        "branch_name": row.staff.branch.name if row.staff.branch else "",
        "sections": [
            {
                "code": s.code,
                "name": s.name,
                "base": s.base,
                "score": s.score,
                "deducted": s.deducted,
                "peer": s.peer_deduction,
                "items": items(s.items),
            }
            for s in score.sections
        ],
        "bonus": score.bonus,
        "bonuses": items(score.bonuses),
        "peer": {
            "counted": row.result.peer_counted,
            "total": row.result.peer_total,
            "deduction": score.peer_deduction,
        },
        "total": row.result.total,
        "rank": row.result.rank,
        "grade_code": row.result.grade_code,
        "grade_label": row.result.grade_label,
        "valid_complaint": row.result.valid_complaint,
        "veto_applied": row.result.veto_applied,
        "return_to_unit": row.result.return_to_unit,
        "flags": list(row.result.flags),
        "lines": [
            {"code": ln.code, "quantity": ln.quantity, "source": ln.source, "ref": ln.ref, "note": ln.note}
            for ln in row.lines
        ],
    }


def published_fields(result: AppraisalResult) -> dict[str, Any]:
    """The same shape from a stored result."""
    return {
        "staff_id": result.staff_id,
        "staff_name": result.staff_name,
        "staff_no": result.staff_no,
        "branch_name": result.branch_name,
        "sections": result.sections,
        "bonus": result.bonus,
        "bonuses": result.bonuses,
        "peer": result.peer,
        "total": result.total,
        "rank": result.rank,
        "grade_code": result.grade_code,
        "grade_label": result.grade_label,
        "valid_complaint": result.valid_complaint,
        "veto_applied": result.veto_applied,
        "return_to_unit": result.return_to_unit,
        "flags": result.flags,
        "lines": result.lines,
    }


def _fresh(quarter: AppraisalQuarter) -> Any:
    from appraisal.selectors import quarter_preview

    preview = quarter_preview(quarter)
    if preview.error:
        raise _invalid(preview.error)
    if not preview.rows:
        raise _invalid("没有考核对象。")
    return preview


def _store(
    *, actor: Actor, quarter: AppraisalQuarter, preview: Any, note: str, corrects: str = ""
) -> AppraisalPublication:
    """Write the results of the next publication and its record; the publication it
    replaces ends, and whatever was flagged against it is resolved."""
    number = quarter.publication + 1
    now = clock.now()
    AppraisalResult.objects.bulk_create(
        [
            AppraisalResult(
                quarter=quarter,
                publication=number,
                staff=row.staff,
                rules_ref=preview.rules_ref,
                computed_at=now,
                **{k: v for k, v in result_fields(row).items() if k != "staff_id"},
            )
            for row in preview.rows
        ]
    )
    AppraisalPublication.objects.filter(quarter=quarter, ended_at__isnull=True).update(
        ended_at=now, ended_note=f"已由第{number}次公示替代"
    )
    publication = AppraisalPublication.objects.create(
        quarter=quarter,
        number=number,
        published_at=now,
        published_by=user_or_none(actor),
        published_by_label=actor_label(actor),
        people=len(preview.rows),
        note=note,
        corrects=corrects,
    )
    for change in PublishedChange.objects.select_for_update().filter(
        quarter=quarter, status=ChangeStatus.OPEN
    ):
        _change_resolve(change, actor=actor, at=now, note=f"第{number}次公示已按现有记录更正")
    quarter.publication = number
    quarter.published_at = now
    quarter.published_by = user_or_none(actor)
    quarter.note = note
    return publication


@transaction.atomic
def quarter_publish(*, actor: Actor, quarter: AppraisalQuarter, note: str = "") -> AppraisalQuarter:
    """Compute and publish the quarter's results on the notice board (002 篇2 二(二)
    "对当期考核结果及所有不规范行为在公示栏上公布"). Only after the quarter has ended."""
    _office(actor, "公示考核结果")
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    period = quarter_range(quarter)
    if period.end >= clock.today():
        raise _invalid(f"{quarter}尚未结束（{period.end:%Y-%m-%d}），季度结束后才能公示。")
    if quarter.status != QuarterStatus.OPEN:
        raise Conflict(f"{quarter}的考核结果已公示；记录有变动的，请“更正公示”。")
    preview = _fresh(quarter)
    publication = _store(actor=actor, quarter=quarter, preview=preview, note=note.strip())
    transition(
        quarter,
        QuarterStatus.PUBLISHED,
        actor=actor,
        note=f"第{publication.number}次公示，{len(preview.rows)}人"
        + (f"：{note.strip()}" if note.strip() else ""),
        fields=["publication", "published_at", "published_by", "note"],
        audit="appraisal.quarter.publish",
        summary=f"公示{quarter}考核结果（第{publication.number}次，{len(preview.rows)}人）",
    )
    return quarter


@transaction.atomic
def quarter_republish(*, actor: Actor, quarter: AppraisalQuarter, reason: str) -> AppraisalQuarter:
    """更正公示: a published quarter whose records changed since is published again from
    the records as they are now — a new publication number, the earlier publication kept
    on record as replaced — with the reason and what it changes. Refused when the records
    still agree with the publication (there is nothing to correct)."""
    from appraisal.republication import compare, summary

    _office(actor, "更正公示")
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.status != QuarterStatus.PUBLISHED:
        raise Conflict(f"{quarter}目前没有公示的结果；请直接公示。")
    reason = reason.strip()
    if not reason:
        raise _invalid("请写明更正的原因（哪条记录有变动）。")
    preview = _fresh(quarter)
    published = AppraisalResult.objects.filter(quarter=quarter, publication=quarter.publication)
    changes = compare([published_fields(r) for r in published], [result_fields(row) for row in preview.rows])
    if not changes:
        raise Conflict("现有记录与公示结果一致，无需更正公示。", code="nothing_to_correct")
    moved = summary(changes)
    corrects = reason + (f"（{moved}）" if moved else "")
    publication = _store(actor=actor, quarter=quarter, preview=preview, note=quarter.note, corrects=corrects)
    transition(
        quarter,
        QuarterStatus.PUBLISHED,
        actor=actor,
        note=f"更正公示：第{publication.number}次公示替代第{publication.number - 1}次，{corrects}",
        fields=["publication", "published_at", "published_by", "note"],
        audit="appraisal.quarter.republish",
        summary=f"更正公示{quarter}考核结果（第{publication.number}次）：{corrects[:150]}",
        changes={"publication": [publication.number - 1, publication.number], "people": len(changes)},
    )
    return quarter


@transaction.atomic
def quarter_withdraw(*, actor: Actor, quarter: AppraisalQuarter, reason: str) -> AppraisalQuarter:
    """Take a publication found wrong off the notice board to correct it; the withdrawn
    results stay on record under their publication number."""
    _office(actor, "撤回公示")
    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if not reason.strip():
        raise _invalid("请填写撤回公示的理由。")
    AppraisalPublication.objects.filter(quarter=quarter, ended_at__isnull=True).update(
        ended_at=clock.now(), ended_note=f"撤回公示：{reason.strip()[:280]}"
    )
    transition(
        quarter,
        QuarterStatus.OPEN,
        actor=actor,
        note=f"撤回第{quarter.publication}次公示：{reason.strip()}",
        audit="appraisal.quarter.withdraw",
        summary=f"撤回公示：{reason[:100]}",
    )
    return quarter


# ---------------------------------------------------------------------------------------
# Published results stay true: compare a publication with the records as they are now.

CHECK_ACTOR = "公示核对"


def _change_event(change: PublishedChange, *, actor: Actor, at: Any, from_status: str, note: str) -> None:
    user, label = event_actor(actor)
    change.events.create(
        actor=user, actor_label=label, at=at, from_status=from_status, to_status=change.status, note=note
    )


def _change_resolve(change: PublishedChange, *, actor: Actor, at: Any, note: str) -> None:
    change.resolved_at, change.resolution = at, note[:300]
    transition(
        change,
        ChangeStatus.RESOLVED,
        actor=actor,
        note=note,
        at=at,
        fields=["resolved_at", "resolution"],
        audit="appraisal.published_change.resolve",
        summary=f"{change.quarter}公示结果变动：{note}",
    )


@transaction.atomic
def publication_check(*, quarter: AppraisalQuarter, actor: Actor = CHECK_ACTOR) -> PublishedChange | None:
    """Compare the quarter's current publication with the quarter computed again from the
    records and record what differs (一 PublishedChange per publication, kept up to date):
    found → flagged to the office (工作台, the quarter's page); changed again → updated;
    agreeing again → resolved. Returns the open change, or None when the publication is
    still true (or the quarter is not published). Run by `manage.py appraisal_sweep`
    (nightly) and whenever the quarter's page is shown."""
    from appraisal.republication import compare, summary

    quarter = AppraisalQuarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.status != QuarterStatus.PUBLISHED:
        return None
    from appraisal.selectors import quarter_preview

    preview = quarter_preview(quarter)
    now = clock.now()
    open_change = (
        PublishedChange.objects.select_for_update()
        .filter(quarter=quarter, publication=quarter.publication, status=ChangeStatus.OPEN)
        .first()
    )
    if preview.error:
        return open_change  # the records cannot be scored now: nothing to compare with
    published = AppraisalResult.objects.filter(quarter=quarter, publication=quarter.publication)
    changes = compare([published_fields(r) for r in published], [result_fields(row) for row in preview.rows])
    if not changes:
        if open_change is not None:
            _change_resolve(open_change, actor=actor, at=now, note="记录已恢复，与公示结果一致")
        return None
    described = summary(changes) or f"{len(changes)}人的计分记录有变动，得分和等次未变"
    if open_change is None:
        open_change = PublishedChange.objects.create(
            quarter=quarter,
            publication=quarter.publication,
            status=ChangeStatus.OPEN,
            found_at=now,
            checked_at=now,
            changes=changes,
        )
        _change_event(open_change, actor=actor, at=now, from_status=NEW, note=described)
        audit_record(
            actor=actor,
            action="appraisal.published_change.found",
            obj=open_change,
            summary=f"{quarter}第{quarter.publication}次公示后记录有变动：{described}"[:300],
        )
        return open_change
    open_change.checked_at = now
    if open_change.changes != changes:
        open_change.changes = changes
        transition(
            open_change,
            ChangeStatus.OPEN,
            actor=actor,
            note=f"变动更新：{described}",
            at=now,
            fields=["changes", "checked_at"],
            audit="appraisal.published_change.update",
            summary=f"{quarter}公示结果变动更新：{described}"[:300],
        )
    else:
        open_change.save(update_fields=["checked_at"])
    return open_change


def publication_sweep(
    *, actor: Actor = "appraisal_sweep"
) -> list[tuple[AppraisalQuarter, PublishedChange | None]]:
    """Check every published quarter (the nightly sweep)."""
    return [
        (q, publication_check(quarter=q, actor=actor))
        for q in AppraisalQuarter.objects.filter(status=QuarterStatus.PUBLISHED).order_by("year", "quarter")
    ]
