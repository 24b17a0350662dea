"""A contact sheet of every exercise picture, to look at them all at once.

    .venv/bin/python benchmarks/illustration_sheet.py [OUT_DIR]

Writes ``illustrations.html`` (every picture with its exercise id and name, in library
order) and, when Playwright and Chromium are there, screenshots of it at phone width
(390 px) and desktop width into OUT_DIR (default ``tests/e2e/artifacts``). Nothing is
served: the sheet is a file, the pictures are inline.
"""

from __future__ import annotations

import os
import sys
from html import escape
from pathlib import Path

from anklet.domain.exercises import load_library
from anklet.web import illustrations


def sheet() -> str:
    cells = []
    for e in load_library().exercises:
        svg = illustrations.svg_for(e.id).svg
        cells.append(f'<figure><div>{svg}</div><figcaption><b>{escape(e.name)}</b><br>'
                     f'<code>{e.id}</code> · {e.category.value}</figcaption></figure>')
    return ("<!doctype html><meta charset=utf-8><title>Exercise pictures</title><style>"
            "body{font:13px system-ui;margin:8px;background:#eef1f4}"
            "main{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:8px}"
            "figure{margin:0;background:#fff;padding:4px;border:1px solid #ccd}"
            "svg{width:100%;height:auto;display:block}</style><main>"
            + "".join(cells) + "</main>")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/e2e/artifacts")
    out.mkdir(parents=True, exist_ok=True)
    html = out / "illustrations.html"
    html.write_text(sheet(), encoding="utf-8")
    print(html)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - looking at the file by hand still works
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("ANKLET_CHROMIUM", "/usr/bin/chromium"))
        for name, width in (("phone", 390), ("desktop", 1280)):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(html.resolve().as_uri())
            shot = out / f"illustrations-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(shot)
        browser.close()


if __name__ == "__main__":
    main()
