"""Pages of the catalog.

Public (no login, phone-first): the guide index with search, a matter's guide, its print
view, the service commitments. Staff: one-time notices (new, preview, detail, sign on the
counter tablet, paper scan, refuse, void, list), the phrase list, and guide management
(revise, create, suspend) for the business management office and administrators.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog import commitments, selectors, services
from catalog.documents import notice_context
from catalog.forms import (
    CitizenForm,
    GuideForm,
    MaterialFormSet,
    NewMatterForm,
    ReasonForm,
    ScanForm,
    StatusForm,
)
from catalog.models import (
    MATTER_TRANSITIONS,
    ItemStatus,
    MaterialRequirement,
    Matter,
    MatterStatus,
    MatterVersion,
    NoticeChannel,
    NoticeStatus,
    OneTimeNotice,
    ServiceObject,
    Situation,
)
from catalog.presentation import by_category, entries
from catalog.ratelimit import GUIDE_SEARCH, RATE_LIMITED_MESSAGE, allow
from common import clock
from common.errors import DomainError
from common.numbers import parse_id, parse_int
from documents.phrase_data import SOURCES
from documents.render import pdf_response, render_html, render_pdf
from org.access import branch_scope, has_role, role_required
from org.models import Branch, Category, Centre, Role

NOTICE_ROLES = (Role.TELLER, Role.GUIDE, Role.HEAD)  # who tells citizens at a counter or on the phone
VOID_ROLES = (Role.HEAD, Role.OFFICE)
MANAGE_ROLES = (Role.OFFICE, Role.ADMIN)
DOCUMENT_ROLES = tuple(Role)


# --- Public guide -----------------------------------------------------------------------


def _search_params(request: HttpRequest) -> dict[str, str]:
    category = request.GET.get("category", "")
    service_object = request.GET.get("object", "")
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "category": category if category in Category.values else "",
        "object": service_object if service_object in ServiceObject.values else "",
    }


def _results_context(params: dict[str, str]) -> dict[str, Any]:
    hits = selectors.matters_search(params["q"], category=params["category"], service_object=params["object"])
    items = entries(hits)
    return {"params": params, "groups": by_category(items), "total": len(hits)}


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/rate_limited.html", {"message": RATE_LIMITED_MESSAGE}, status=429)


def guide_index(request: HttpRequest) -> HttpResponse:
    """办事指南: every matter by category, with search (Chinese partial words)."""
    params = _search_params(request)
    if params["q"] and not allow(request, "guide", GUIDE_SEARCH):
        return _rate_limited(request)
    context = _results_context(params)
    context.update(
        {
            "counts": selectors.category_counts(),
            "categories": [(c.value, c.label) for c in selectors.CATEGORY_ORDER],
            "objects": ServiceObject.choices,
        }
    )
    return render(request, "catalog/guide_index.html", context)


def guide_results(request: HttpRequest) -> HttpResponse:
    """The result list, swapped in by htmx while a person types."""
    params = _search_params(request)
    if params["q"] and not allow(request, "guide", GUIDE_SEARCH):
        return _rate_limited(request)
    return render(request, "catalog/_guide_results.html", _results_context(params))


def _guide_context(matter: Matter, version: MatterVersion) -> dict[str, Any]:
    current = selectors.version_in_force(matter)
    return {
        "matter": matter,
        "v": version,
        "is_current": current is not None and current.pk == version.pk,
        "current": current,
        "versions": selectors.versions_of(matter),
        "siblings": selectors.stage_siblings(matter),
        "branches": Branch.objects.filter(is_active=True).order_by("code"),
        "materials": list(version.materials.all()),
        "category_label": Category(matter.category).label,
        "object_label": ServiceObject(matter.service_object).label,
        "status_note": _status_note(matter),
    }


def _status_note(matter: Matter) -> str:
    if matter.status == MatterStatus.ACTIVE:
        return ""
    event = matter.events.filter(to_status=matter.status).order_by("-at").first()
    return event.note if event else ""


def guide_matter(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    """A matter's guide: every field, the material list, the limits, where and when."""
    matter, version = selectors.guide_page(code, number=number)
    if matter.status == MatterStatus.WITHDRAWN and number is None and not request.user.is_authenticated:
        raise Http404("该事项已停止办理。")
    return render(request, "catalog/guide_matter.html", _guide_context(matter, version))


def guide_print(request: HttpRequest, code: str) -> HttpResponse:
    """The guide as a printable page (A4)."""
    number = request.GET.get("v")
    matter, version = selectors.guide_page(code, number=parse_int(number, minimum=1, maximum=9999))
    return render(request, "catalog/guide_print.html", _guide_context(matter, version))


def guide_commitments(request: HttpRequest) -> HttpResponse:
    """服务承诺公开: service items, standards, procedure, limits, complaint phones."""
    hits = selectors.matters_search()
    return render(
        request,
        "catalog/guide_commitments.html",
        {
            "commitments": commitments.commitments(),
            "procedure": commitments.GENERAL_PROCEDURE,
            "groups": selectors.grouped_by_category(hits),
            "centre": Centre.objects.first(),
            "branches": Branch.objects.filter(is_active=True).order_by("code"),
        },
    )


# --- One-time notices -------------------------------------------------------------------


def _staff_branch(request: HttpRequest) -> Branch:
    staff = getattr(request.user, "staff", None)
    if staff is None or staff.branch_id is None:
        raise DomainError("您的账号没有所属管理部，不能出具一次性告知清单。请联系系统管理员。", status=403)
    return staff.branch


@role_required(*NOTICE_ROLES)
def notice_new(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the matter the citizen asks about."""
    params = _search_params(request)
    context = _results_context(params)
    context["channel"] = request.GET.get("channel", NoticeChannel.COUNTER)
    template = (
        "catalog/_notice_matters.html" if request.headers.get("HX-Request") else "catalog/notice_new.html"
    )
    return render(request, template, context)


def _statuses(request: HttpRequest, version: MatterVersion, channel: str) -> dict[int, str]:
    statuses = {}
    for material in version.materials.all():
        value = request.POST.get(f"m{material.pk}", ItemStatus.MISSING)
        if channel == NoticeChannel.PHONE and value == ItemStatus.BROUGHT:
            value = ItemStatus.MISSING
        statuses[material.pk] = value
    return statuses


def _notes(request: HttpRequest, version: MatterVersion) -> dict[int, str]:
    return {m.pk: request.POST.get(f"n{m.pk}", "") for m in version.materials.all()}


def _form_context(
    request: HttpRequest, matter: Matter, version: MatterVersion, form: CitizenForm
) -> dict[str, Any]:
    channel = form["channel"].value() or NoticeChannel.COUNTER
    statuses = _statuses(request, version, channel) if request.method == "POST" else {}
    materials = [
        {
            "m": m,
            "status": statuses.get(m.pk, ItemStatus.MISSING),
            "note": request.POST.get(f"n{m.pk}", "") if request.method == "POST" else "",
        }
        for m in version.materials.all()
    ]
    return {
        "matter": matter,
        "v": version,
        "form": form,
        "channel": channel,
        "materials": materials,
        "statuses": ItemStatus,
        "conditional": MaterialRequirement.CONDITIONAL,
        "phrase_request": selectors.phrase_for(Situation.REQUEST_MATERIALS, version.name),
        "phrase_phone": selectors.phrases_for(Situation.PHONE_ANSWER),
        "preview": _preview(request, matter, version, form, statuses) if request.method == "POST" else None,
    }


def _preview(
    request: HttpRequest, matter: Matter, version: MatterVersion, form: CitizenForm, statuses: dict[int, str]
) -> dict[str, Any]:
    """What the notice will say, the phrase to say it with, and the warnings: a notice
    already issued today (same visit) and a breach of the one-time rule."""
    by_id = {m.pk: m for m in version.materials.all()}
    missing = sorted(
        (by_id[i] for i, s in statuses.items() if s == ItemStatus.MISSING), key=lambda m: m.order
    )
    names = "、".join(f"《{m.name}》" for m in missing)
    out: dict[str, Any] = {
        "missing": missing,
        "phrase_incomplete": selectors.phrase_for(Situation.INCOMPLETE_MATERIALS, names) if missing else "",
        "phrase_written": selectors.phrases_for(Situation.INCOMPLETE_MATERIALS)[-1].text,
    }
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    citizen = services.Citizen(
        name=data.get("name", "") or "",
        id_number=data.get("id_number", "") or "",
        phone=data.get("phone", "") or "",
    )
    if citizen.id_number or citizen.phone:
        first, findings = selectors.breach_findings(
            matter=matter, citizen=citizen, missing=missing, before=clock.now()
        )
        out["first"] = first
        out["findings"] = findings
        branch_id: int = getattr(getattr(request.user, "staff", None), "branch_id", None) or 0
        out["same_visit"] = (
            OneTimeNotice.objects.standing()
            .filter(matter=matter, business_date=clock.today(), branch_id=branch_id)
            .filter(selectors.same_citizen(citizen))
            .first()
        )
    return out


@role_required(*NOTICE_ROLES)
def notice_new_matter(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: tick what the citizen brought; the notice lists everything still needed."""
    matter = selectors.matter_by_code(code)
    version = selectors.version_in_force(matter)
    if version is None or matter.status != MatterStatus.ACTIVE:
        messages.error(request, "该事项目前不能办理，不能出具一次性告知清单。")
        return redirect("notice_new")
    version = selectors.version_with_materials(version)
    initial = {"channel": request.GET.get("channel", NoticeChannel.COUNTER)}
    form = CitizenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branch = _staff_branch(request)
            notice = services.notice_issue(
                actor=request.user,  # type: ignore[arg-type]
                branch=branch,
                matter=matter,
                channel=data["channel"],
                citizen=services.Citizen(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    employer_name=data["employer_name"],
                    employer_credit_code=data["employer_credit_code"],
                ),
                statuses=_statuses(request, version, data["channel"]),
                notes=_notes(request, version),
                other_notes=data["other_notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if notice.breach:
                messages.warning(request, "本清单新增了首次告知时已应列明的材料，已记为违反一次性告知制度。")
            messages.success(request, f"已出具一次性告知清单 {notice.number}。")
            return redirect("notice_detail", number=notice.number)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "catalog/notice_form.html", _form_context(request, matter, version, form), status=status
    )


@role_required(*NOTICE_ROLES)
@require_POST
def notice_preview(request: HttpRequest, code: str) -> HttpResponse:
    matter = selectors.matter_by_code(code)
    version = selectors.version_in_force(matter)
    if version is None:
        raise Http404
    form = CitizenForm(request.POST)
    channel = request.POST.get("channel", NoticeChannel.COUNTER)
    preview = _preview(request, matter, version, form, _statuses(request, version, channel))
    return render(request, "catalog/_notice_preview.html", {"preview": preview, "channel": channel})


@role_required()
def notice_list(request: HttpRequest) -> HttpResponse:
    """Every notice the user's role and branch may see, newest first, with filters."""
    today = clock.today()
    date_from = _date(request.GET.get("from")) or today - timedelta(days=30)
    date_to = _date(request.GET.get("to")) or today
    notices = selectors.notices_visible_to(request.user).filter(business_date__range=(date_from, date_to))
    branch_id = parse_id(request.GET.get("branch"))
    if branch_id is not None:
        notices = notices.filter(branch_id=branch_id)
    channel = request.GET.get("channel", "")
    if channel in NoticeChannel.values:
        notices = notices.filter(channel=channel)
    status = request.GET.get("status", "")
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    if request.GET.get("breach"):
        notices = notices.filter(breach=True)
    q = request.GET.get("q", "").strip()
    if q:
        notices = notices.filter(
            Q(number__icontains=q) | Q(version__name__icontains=q) | Q(matter__code__iexact=q)
        )
    notices = notices.annotate(
        missing_count=Count("items", filter=Q(items__status=ItemStatus.MISSING))
    ).order_by("-issued_at", "-pk")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/notice_list.html",
        {
            "page": page,
            "date_from": date_from,
            "date_to": date_to,
            "branches": Branch.objects.visible_to(request.user).order_by("code")
            if branch_scope(request.user) is None
            else [],
            "filters": {
                "branch": request.GET.get("branch", ""),
                "channel": channel,
                "status": status,
                "breach": request.GET.get("breach", ""),
                "q": q,
            },
            "channels": NoticeChannel.choices,
            "statuses": NoticeStatus.choices,
            "can_issue": has_role(request.user, *NOTICE_ROLES),
        },
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@role_required()
def notice_detail(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    context = notice_context(
        notice, qr_url=_absolute(request, reverse("guide_matter", args=[notice.matter.code]))
    )
    can_act = has_role(request.user, *NOTICE_ROLES)
    return render(
        request,
        "catalog/notice_detail.html",
        {
            "notice": notice,
            "items": list(notice.items.all()),
            "events": list(notice.events.all()),
            "history": selectors.notices_of_citizen(notice),
            "document": render_html("one_time_notice", context, standalone=False),
            "can_sign": can_act and notice.awaits_signature and notice.channel == NoticeChannel.COUNTER,
            "can_void": has_role(request.user, *VOID_ROLES) and notice.status != NoticeStatus.VOIDED,
            "phrase_signature": selectors.phrase_for(Situation.SIGNATURE),
            "phrase_return": selectors.phrase_for(Situation.RETURN_DOCUMENTS),
            "phrase_farewell": selectors.phrase_for(Situation.FAREWELL),
            "scan_form": ScanForm(),
            "reason_form": ReasonForm(),
        },
    )


@role_required()
def notice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    context = notice_context(
        notice, qr_url=_absolute(request, reverse("guide_matter", args=[notice.matter.code]))
    )
    return pdf_response(render_pdf("one_time_notice", context), f"一次性告知清单-{notice.number}.pdf")


@role_required()
def notice_print(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    context = notice_context(
        notice, qr_url=_absolute(request, reverse("guide_matter", args=[notice.matter.code]))
    )
    html = render_html(
        "one_time_notice",
        context,
        pdf_url=reverse("notice_pdf", args=[notice.number]),
        back_url=reverse("notice_detail", args=[notice.number]),
    )
    return HttpResponse(html)


@role_required(*NOTICE_ROLES)
def notice_sign(request: HttpRequest, number: str) -> HttpResponse:
    """The counter tablet: the citizen reads what is still needed and signs on the pad."""
    notice = selectors.notice_for_user(request.user, number)
    error = ""
    if request.method == "POST":
        try:
            services.notice_sign_on_pad(
                actor=request.user, notice=notice, png=_png_from_data_url(request.POST.get("signature", ""))
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"清单 {notice.number} 已由办事职工签名。")
            return redirect("notice_detail", number=notice.number)
    return render(
        request,
        "catalog/notice_sign.html",
        {
            "notice": notice,
            "missing": [i for i in notice.items.all() if i.status == ItemStatus.MISSING],
            "error": error,
            "phrase_signature": selectors.phrase_for(Situation.SIGNATURE),
        },
        status=422 if error else 200,
    )


def _png_from_data_url(value: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise DomainError("没有收到签名，请办事职工在签名框内签名后再点“确认签名”。", code="signature_empty")
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("签名数据不完整，请重新签名。", code="signature_invalid") from None


@role_required(*NOTICE_ROLES)
@require_POST
def notice_paper(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择签字页的扫描件（PDF、JPG 或 PNG）。")
    else:
        try:
            services.notice_sign_on_paper(actor=request.user, notice=notice, scan=form.cleaned_data["scan"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记在纸质清单上签字，扫描件已存档。")
    return redirect("notice_detail", number=notice.number)


@role_required(*NOTICE_ROLES)
@require_POST
def notice_refuse(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    try:
        services.notice_refuse_signature(
            actor=request.user, notice=notice, note=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记办事职工拒签。")
    return redirect("notice_detail", number=notice.number)


@role_required(*VOID_ROLES)
@require_POST
def notice_void(request: HttpRequest, number: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, number)
    try:
        services.notice_void(actor=request.user, notice=notice, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"清单 {notice.number} 已作废，记录保留。")
    return redirect("notice_detail", number=notice.number)


_FILE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "pdf": "application/pdf"}


@role_required()
def notice_signature(request: HttpRequest, number: str) -> HttpResponse:
    """The signature image or the paper scan, to staff who may see the notice (never
    through a public media address)."""
    notice = selectors.notice_for_user(request.user, number)
    if not notice.signature_file:
        raise Http404("该清单没有签名文件。")
    name = notice.signature_file.name.rsplit("/", 1)[-1]
    with notice.signature_file.open("rb") as f:
        data = f.read()
    content_type = _FILE_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Phrases ----------------------------------------------------------------------------


@role_required()
def phrase_list(request: HttpRequest) -> HttpResponse:
    """服务用语: the phrases of the regulations by situation, verbatim, with their source."""
    source = request.GET.get("source", "")
    book = selectors.phrase_book()
    if source in SOURCES:
        book = [(s, [p for p in ps if p.document == source]) for s, ps in book]
        book = [(s, ps) for s, ps in book if ps]
    labels = dict(Situation.choices)
    return render(
        request,
        "catalog/phrase_list.html",
        {"book": [(s, labels.get(s, s), ps) for s, ps in book], "sources": SOURCES, "source": source},
    )


# --- Guide management ---------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
def guide_manage(request: HttpRequest) -> HttpResponse:
    hits = selectors.matters_search(request.GET.get("q", ""), include_withdrawn=True)
    return render(request, "catalog/manage_list.html", {"hits": hits, "q": request.GET.get("q", "")})


@role_required(*MANAGE_ROLES)
def guide_manage_matter(request: HttpRequest, code: str) -> HttpResponse:
    matter = selectors.matter_by_code(code)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_set_status(
                actor=request.user,
                matter=matter,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "事项状态已更新。")
            return redirect("guide_manage_matter", code=matter.code)
    return render(
        request,
        "catalog/manage_matter.html",
        {
            "matter": matter,
            "versions": selectors.versions_of(matter),
            "current": selectors.version_in_force(matter),
            "events": matter.events.select_related("actor").order_by("-at"),
            "form": form,
            "next_statuses": [(s, MatterStatus(s).label) for s in sorted(MATTER_TRANSITIONS[matter.status])],
        },
    )


def _guide_initial(version: MatterVersion) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    spec = services.GuideSpec.of(version)
    initial = {name: getattr(spec, name) for name in services.GuideSpec.VERSION_FIELDS}
    initial["procedure"] = "\n".join(spec.procedure)
    initial["effective_from"] = clock.today() + timedelta(days=1)
    fields = (
        "code",
        "name",
        "requirement",
        "condition",
        "form",
        "copies",
        "source",
        "standard",
        "provided_form",
    )
    materials = [
        {
            **{k: getattr(m, k) for k in fields},
            "blank_form_kept": m.blank_form or "",
            "sample_kept": m.sample or "",
        }
        for m in spec.materials
    ]
    return initial, materials


def _spec_from(form: GuideForm, formset: Any) -> services.GuideSpec:
    data = form.cleaned_data
    materials = tuple(
        services.MaterialSpec(
            name=row["name"],
            requirement=row["requirement"],
            form=row["form"],
            copies=row.get("copies") or 1,
            condition=row.get("condition", ""),
            source=row.get("source", ""),
            standard=row.get("standard", ""),
            provided_form=row.get("provided_form", ""),
            code=row.get("code", ""),
            blank_form=None
            if row.get("remove_files")
            else row.get("blank_form") or row.get("blank_form_kept") or None,
            sample=None if row.get("remove_files") else row.get("sample") or row.get("sample_kept") or None,
        )
        for row in formset.cleaned_data
        if row and row.get("name") and not row.get("DELETE")
    )
    values = {name: data[name] for name in services.GuideSpec.VERSION_FIELDS}
    values["procedure"] = tuple(data["procedure"])
    return services.GuideSpec(**values, materials=materials)


@role_required(*MANAGE_ROLES)
def guide_revise(request: HttpRequest, code: str) -> HttpResponse:
    """A new version of a matter's guide, from a date (today or later)."""
    matter = selectors.matter_by_code(code)
    latest = MatterVersion.objects.filter(matter=matter).order_by("-number").first()
    if latest is None:
        raise Http404
    initial, material_rows = _guide_initial(latest)
    form = GuideForm(request.POST or None, initial=initial)
    formset = MaterialFormSet(request.POST or None, request.FILES or None, initial=material_rows, prefix="m")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            version = services.matter_revise(
                actor=request.user,
                matter=matter,
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["change_note"],
                guide=_spec_from(form, formset),
            )
        except services.InvalidGuide as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已发布第{version.number}版办事指南，{version.effective_from:%Y-%m-%d}起施行。"
            )
            return redirect("guide_manage_matter", code=matter.code)
    return render(
        request,
        "catalog/manage_revise.html",
        {"matter": matter, "latest": latest, "form": form, "formset": formset},
        status=422 if request.method == "POST" else 200,
    )


@role_required(*MANAGE_ROLES)
def guide_create(request: HttpRequest) -> HttpResponse:
    """A new matter with its first guide version (a copy of a similar matter to start from)."""
    template = request.GET.get("from", "")
    base = None
    if template:
        matter = Matter.objects.filter(code=template.upper()).first()
        base = MatterVersion.objects.filter(matter=matter).order_by("-number").first() if matter else None
    initial, material_rows = _guide_initial(base) if base else ({"effective_from": clock.today()}, [])
    if base:
        initial["effective_from"] = clock.today()
        material_rows = [
            {**row, "code": "", "blank_form_kept": "", "sample_kept": ""} for row in material_rows
        ]
    head = NewMatterForm(
        request.POST or None,
        initial={"category": base.matter.category, "service_object": base.matter.service_object}
        if base
        else {},
    )
    form = GuideForm(request.POST or None, initial=initial)
    formset = MaterialFormSet(request.POST or None, request.FILES or None, initial=material_rows, prefix="m")
    if request.method == "POST" and head.is_valid() and form.is_valid() and formset.is_valid():
        try:
            matter = services.matter_create(
                actor=request.user,
                code=head.cleaned_data["code"],
                category=head.cleaned_data["category"],
                service_object=head.cleaned_data["service_object"],
                group=head.cleaned_data["group"],
                stage_order=head.cleaned_data["stage_order"] or 0,
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["change_note"],
                guide=_spec_from(form, formset),
            )
        except services.InvalidGuide as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已新增服务事项 {matter.code}。")
            return redirect("guide_manage_matter", code=matter.code)
    return render(
        request,
        "catalog/manage_revise.html",
        {"head": head, "form": form, "formset": formset, "base": base},
        status=422 if request.method == "POST" else 200,
    )
