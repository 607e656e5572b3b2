"""Every POST form of the site's templates carries the one-time submit token (`web.submit`), but the named few.

A form's text is read with the templates it includes (`{% include "…" %}` inside the form), since
several pages keep `{% csrf_token %}{% submit_token %}` in a shared fields template.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
POST = re.compile(r"""method\s*=\s*["']?post\b""", re.I)
INCLUDE = re.compile(r"""{%\s*include\s+["'](?P<name>[^"']+)["']""")

# (template, the form's action or "" for a form posting to its own page): forms that by design carry no token.
WITHOUT_TOKEN = {
    # Logging in, out and switching the language change no data: sent twice, they do the same again.
    ("registration/login.html", "{% url 'login' %}"),
    ("base.html", "{% url 'logout' %}"),
    ("base.html", "{% url 'set_language' %}"),
    # The second factor: enrolment and the code check are the login's own steps (a code is used once by django-otp).
    ("accounts/enrol.html", "{% url 'accounts:enrol' %}"),
    ("accounts/verify.html", "{% url 'accounts:verify' %}"),
    # The import's upload only previews the file (nothing is imported); the confirm on the preview carries one.
    ("imports/import.html", "{% url 'imports:import' %}"),
    # The admin's calendar load replaces a year's schedule: a second load stores the same and moves no due date.
    ("admin/deadlines/calendaryear/load.html", ""),
}


def _expanded(text, depth=0):
    """`text` with the templates it includes put in place (a few levels: includes nest little)."""
    if depth > 3:
        return text

    def inline(match):
        path = TEMPLATES / match.group("name")
        return _expanded(path.read_text(), depth + 1) if path.exists() else match.group(0)

    return INCLUDE.sub(inline, text)


def _action(attrs):
    found = re.search(r"""action\s*=\s*"(?P<url>[^"]*)\"""", attrs)
    return found.group("url") if found else ""


def post_forms():
    """(template, action, carries the token) of every POST form in `templates/`."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for form in FORM.finditer(path.read_text()):
            if POST.search(form.group("attrs")):
                body = _expanded(form.group("body"))
                yield name, _action(form.group("attrs")), "{% submit_token %}" in body


def test_every_post_form_carries_the_one_time_token():
    forms = list(post_forms())
    missing = sorted(
        (name, action) for name, action, token in forms if not token and (name, action) not in WITHOUT_TOKEN
    )
    assert len(forms) > 40, "the scan found too few forms: has the templates' markup changed?"
    assert missing == [], f"POST forms without {{% submit_token %}}: {missing}"


def test_the_forms_named_without_a_token_exist_and_still_have_none():
    """The allow-list stays exact: a form that is gone, or has since been given the token, leaves it."""
    without = {(name, action) for name, action, token in post_forms() if not token}
    gone = sorted(WITHOUT_TOKEN - without)
    assert gone == [], f"allowed forms not found without a token: {gone}"


def test_the_scan_reads_a_token_in_an_included_template():
    body = '{% include "units/handling/_fields.html" %}'
    assert "{% submit_token %}" in _expanded(body)
