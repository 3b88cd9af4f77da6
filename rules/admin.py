"""Administration of rule sets: read-only versions, and "修订" / "采用" forms that go
through the services (a version is never edited in place)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from common import clock
from common.admin_mixins import ReadOnlyAdmin
from common.errors import DomainError
from common.forms import date_input
from rules.models import RuleKind, RuleSet
from rules.selectors import rule_set_latest
from rules.services import rule_set_adopt, rule_set_revise
from rules.validation import RuleParamsInvalid


class ReviseForm(forms.Form):
    params = forms.CharField(
        label="参数（JSON）",
        widget=forms.Textarea(attrs={"rows": 32, "cols": 110, "style": "font-family: monospace"}),
    )
    effective_from = forms.DateField(
        label="生效日期",
        required=False,
        widget=date_input(),
        help_text="须晚于今天：今天及以前的期间保留当时的规则。备选规则集留空则仍为备选、不采用。",
    )
    note = forms.CharField(label="修订说明", widget=forms.Textarea(attrs={"rows": 3, "cols": 110}))

    def clean_params(self) -> Any:
        try:
            return json.loads(self.cleaned_data["params"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}"
            ) from None


class AdoptForm(forms.Form):
    effective_from = forms.DateField(
        label="生效日期", widget=date_input(), help_text="须晚于今天；此前的期间仍按原规则集。"
    )
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 110})
    )


def _add_domain_error(form: forms.Form, exc: DomainError) -> None:
    if isinstance(exc, RuleParamsInvalid) and exc.extra.get("errors"):
        form.add_error("params", [f"{e['field']}：{e['message']}" for e in exc.extra["errors"]])
        return
    field = exc.extra.get("field")
    form.add_error(field if field in form.fields else None, exc.message)


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    """Versions are immutable: no add, change or delete here; "修订" and "采用" create
    a new version through `rules.services` (with its audit event)."""

    list_display = ("kind", "code", "version", "name", "effective_range", "in_force_today", "created_at")
    list_display_links = ("code", "name")
    list_filter = ("kind",)
    search_fields = ("code", "name", "source")
    list_select_related = ("created_by",)
    change_form_template = "admin/rules/ruleset/change_form.html"
    fields = (
        "kind",
        "code",
        "version",
        "name",
        "source",
        "effective_range",
        "in_force_today",
        "params_display",
        "interpretations_display",
        "note",
        "created_at",
        "created_by",
    )
    readonly_fields = fields

    def has_revise_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("rules.change_ruleset")

    @admin.display(description="生效期间")
    def effective_range(self, obj: RuleSet) -> str:
        if obj.effective_from is None:
            return "备选（未采用）"
        if obj.effective_to is None:
            return f"{obj.effective_from:%Y-%m-%d} 起"
        if obj.effective_to == obj.effective_from:
            return "未生效（生效前已被取代）"
        return f"{obj.effective_from:%Y-%m-%d} 至 {obj.effective_to - timedelta(days=1):%Y-%m-%d}"

    @admin.display(description="今日生效", boolean=True)
    def in_force_today(self, obj: RuleSet) -> bool:
        return obj.is_in_force(clock.today())

    @admin.display(description="参数")
    def params_display(self, obj: RuleSet) -> SafeString:
        text = json.dumps(obj.params, ensure_ascii=False, indent=2)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)

    @admin.display(description="释义")
    def interpretations_display(self, obj: RuleSet) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((i["clause"], i["text"], i["interpretation"]) for i in obj.interpretations),
        )
        return format_html(
            "<table><thead><tr><th>条款</th><th>原文</th><th>本系统的理解</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None and self.has_revise_permission(request):
            latest = rule_set_latest(obj.code)
            context["can_revise"] = True
            context["revise_base"] = latest
            context["can_adopt"] = not RuleSet.objects.filter(
                kind=obj.kind, code=obj.code, effective_from__isnull=False, effective_to__isnull=True
            ).exists()
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/revise/", wrap(self.revise_view), name="rules_ruleset_revise"),
            path("<path:object_id>/adopt/", wrap(self.adopt_view), name="rules_ruleset_adopt"),
            *super().get_urls(),
        ]

    def _object(self, request: HttpRequest, object_id: str) -> RuleSet:
        if not self.has_revise_permission(request):
            raise PermissionDenied("只有系统管理员可以修订或采用规则集。")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("没有这个规则集版本。")
        return rule_set_latest(obj.code)

    def _render(
        self, request: HttpRequest, base: RuleSet, form: forms.Form, title: str, action: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "base": base,
            "kind_label": RuleKind(base.kind).label,
            "form": form,
            "action": action,
            "params_text": json.dumps(base.params, ensure_ascii=False, indent=2),
        }
        return TemplateResponse(request, "admin/rules/ruleset/action_form.html", context)

    def _done(self, request: HttpRequest, row: RuleSet, text: str) -> HttpResponseRedirect:
        messages.success(request, text)
        return HttpResponseRedirect(reverse("admin:rules_ruleset_change", args=[row.pk]))

    def revise_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        base = self._object(request, object_id)
        if request.method == "POST":
            form = ReviseForm(request.POST)
            if form.is_valid():
                try:
                    row = rule_set_revise(
                        actor=request.user,
                        code=base.code,
                        params=form.cleaned_data["params"],
                        effective_from=form.cleaned_data["effective_from"],
                        note=form.cleaned_data["note"],
                    )
                except DomainError as exc:
                    _add_domain_error(form, exc)
                else:
                    return self._done(request, row, f"已新建 {row}，{self.effective_range(row)}。")
        else:
            tomorrow = clock.today() + timedelta(days=1)
            initial_date = None if base.effective_from is None else tomorrow
            form = ReviseForm(
                initial={
                    "params": json.dumps(base.params, ensure_ascii=False, indent=2),
                    "effective_from": initial_date,
                }
            )
        return self._render(request, base, form, f"修订规则集：{base.name}", "revise")

    def adopt_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        base = self._object(request, object_id)
        if request.method == "POST":
            form = AdoptForm(request.POST)
            if form.is_valid():
                try:
                    row = rule_set_adopt(
                        actor=request.user,
                        code=base.code,
                        effective_from=form.cleaned_data["effective_from"],
                        note=form.cleaned_data["note"],
                    )
                except DomainError as exc:
                    _add_domain_error(form, exc)
                else:
                    return self._done(request, row, f"已采用 {row}，{self.effective_range(row)}。")
        else:
            form = AdoptForm(initial={"effective_from": clock.today() + timedelta(days=1)})
        return self._render(request, base, form, f"采用规则集：{base.name}", "adopt")
