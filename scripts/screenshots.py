"""Screenshots of staff pages for a person to look at (not a test).

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 admin demo-2026 /rules/ /workdays/notice/

Logs in through the login form, then saves var/screenshots/shot-<path>.png for each path.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    base, username, password, *paths = sys.argv[1:]
    out = Path("var/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        page.goto(base + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for path in paths:
            page.goto(base + path)
            name = re.sub(r"[^a-zA-Z0-9]+", "-", path).strip("-") or "home"
            page.screenshot(path=str(out / f"shot-{name}.png"), full_page=True)
            print(out / f"shot-{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
