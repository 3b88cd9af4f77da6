"""manage.py load_rules — load the bundled rule sets (rules/bundled/*.toml).

New codes are created (as the migration does); unchanged files are skipped; a changed
file is only reported, unless --revise is given, which makes it a new version of its
code from --effective-from (after today; omit the date only for an alternative that
is not in force). Nothing changes silently.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from common.errors import DomainError
from rules.loader import OUTCOME_LABELS, BundleError, Outcome, load_bundled, read_bundled
from rules.models import RuleSet
from rules.services import record_bundled_load, rule_set_revise

ACTOR = "manage.py load_rules"


class Command(BaseCommand):
    help = "载入内置规则集（rules/bundled/*.toml）；已变更的文件只有加 --revise 才新建版本。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--revise", action="store_true", help="把已变更的文件修订为新版本")
        parser.add_argument("--effective-from", type=date.fromisoformat, help="新版本的生效日期 YYYY-MM-DD")
        parser.add_argument("--note", default="", help="修订说明（默认写明来自哪个文件）")
        parser.add_argument("--code", action="append", help="只处理这些代码（可多次给出）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bundle = read_bundled()
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        if options["code"]:
            bundle = [item for item in bundle if item.code in set(options["code"])]
        with transaction.atomic():
            results = load_bundled(RuleSet, record=record_bundled_load(ACTOR), bundle=bundle)
        changed = 0
        for item, outcome in results:
            line = f"{item.path.name}：{OUTCOME_LABELS[outcome]}"
            if outcome is Outcome.CHANGED and options["revise"]:
                try:
                    row = rule_set_revise(
                        actor=ACTOR,
                        code=item.code,
                        params=item.params,
                        interpretations=item.interpretations,
                        name=item.name,
                        source=item.source,
                        effective_from=options["effective_from"],
                        note=options["note"] or f"按内置文件 {item.path.name} 修订",
                    )
                except DomainError as exc:
                    raise CommandError(f"{item.path.name}：{exc.message}") from None
                line = f"{item.path.name}：已修订为第{row.version}版"
            elif outcome is Outcome.CHANGED:
                changed += 1
            self.stdout.write(line)
        if changed:
            self.stderr.write(
                f"{changed} 个文件与数据库中的各版本都不同，未应用。确认后用 "
                "--revise --effective-from YYYY-MM-DD 新建版本（生效日期须晚于今天）。"
            )
