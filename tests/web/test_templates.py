"""Ready for a strict Content-Security-Policy: no template runs inline script or carries inline style."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"))
# A <script> that runs code: any without src=, except data blocks (type="application/json").
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("templates/")[-1])
def test_no_inline_script_style_or_handler(path):
    text = path.read_text(encoding="utf-8")
    checks = [("inline <script>", INLINE_SCRIPT), ("inline style", INLINE_STYLE), ("on… handler", EVENT_HANDLER)]
    for name, pattern in checks:
        match = pattern.search(text)
        assert match is None, f"{name} at line {text[: match.start()].count(chr(10)) + 1}: move it to static/"
