"""Every table on a page sits in a `.table-responsive` box: cells keep their words whole (site.css), so a
table wider than a phone scrolls within its box instead of pushing the page sideways or squeezing a
column to a letter a line. `conftest.layout_problems` checks the drawn pages for split words."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Paper and e-mail have no phone screen: PDFs lay their tables out on the page size.
NOT_SCREEN = ("email",)


def screen_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if not any(part in NOT_SCREEN for part in path.relative_to(TEMPLATES).parts) and "pdf" not in path.name:
            yield path


def test_every_table_on_a_page_is_in_a_box_that_scrolls_on_a_phone():
    bare = []
    for path in screen_templates():
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            opened = text[: match.start()].rfind('class="table-responsive')
            if opened == -1 or text[opened : match.start()].count("</div>") > 0:
                bare.append(f"{path.relative_to(TEMPLATES)}: {text[match.start() : match.start() + 50]!r}")
    assert not bare, 'Wrap these tables in <div class="table-responsive">:\n' + "\n".join(bare)
