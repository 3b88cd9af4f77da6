"""docs/rules.md lists every bundled rule set and every interpretation it makes."""

from __future__ import annotations

from django.conf import settings

from rules.loader import read_bundled


def test_the_documentation_lists_every_rule_set_and_every_interpretation():
    doc = (settings.BASE_DIR / "docs" / "rules.md").read_text(encoding="utf-8")
    for item in read_bundled():
        assert f"`{item.code}`" in doc
        for interpretation in item.interpretations:
            assert interpretation["interpretation"].replace("|", "\\|") in doc, (
                item.code,
                interpretation["clause"],
            )
