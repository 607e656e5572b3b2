"""`lint-imports` (import-linter, configured in pyproject.toml) fails on an upward import.

Each test copies the project's packages and pyproject.toml into a scratch directory, adds a module
there, and runs the linter in that directory the way CI runs it in the project.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .import_cycles import ROOT, project_packages

LAYERS = "Apps import downwards only"
INDEPENDENCE = "The spreadsheet import and the reports know nothing of each other"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path):
    """A scratch copy of the project's Python packages with the contracts."""
    copy = tmp_path / "tree"
    copy.mkdir()
    for package in project_packages():
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint_imports(cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(COLUMNS="400", NO_COLOR="1", TERM="dumb")  # one contract per line, no colour codes
    result = subprocess.run(  # noqa: S603 - our own venv's script, fixed arguments
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def contract_lines(output):
    return {
        line.rsplit(" ", 1)[0]: line.rsplit(" ", 1)[1]
        for line in output.splitlines()
        if line.endswith((" KEPT", " BROKEN"))
    }


def status(output, name):
    matches = [verdict for contract, verdict in contract_lines(output).items() if contract.startswith(name)]
    assert len(matches) == 1, output
    return matches[0]


def test_the_unmodified_copy_keeps_every_contract(tree):
    code, output = lint_imports(tree)
    assert code == 0, output
    assert status(output, LAYERS) == "KEPT"
    assert status(output, INDEPENDENCE) == "KEPT"
    assert "0 broken" in output


@pytest.mark.parametrize(
    ("path", "source", "broken", "named"),
    [
        pytest.param(
            "districts/upward.py",
            "import workflow.models\n",
            [LAYERS],
            "districts.upward -> workflow.models",
            id="module-level",
        ),
        pytest.param(
            "deadlines/upward.py",
            """
            def due_items():
                from workflow.models import Obligation  # function-local: counted all the same

                return Obligation.objects.all()
            """,
            [LAYERS],
            "deadlines.upward -> workflow.models",
            id="function-local",
        ),
        pytest.param(
            "workflow/upward.py",
            """
            class Bell:
                def ring(self):
                    from notifications import inbox

                    return inbox
            """,
            [LAYERS],
            "workflow.upward -> notifications.inbox",
            id="in-a-method",
        ),
        pytest.param(
            "reports/sideways.py",
            """
            def rows():
                from imports import rows

                return rows
            """,
            [LAYERS, INDEPENDENCE],
            "reports.sideways -> imports.rows",
            id="imports-reports",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(tree, path, source, broken, named):
    (tree / path).write_text(textwrap.dedent(source))
    code, output = lint_imports(tree)
    assert code == 1, output
    for name in broken:
        assert status(output, name) == "BROKEN", output
    assert named in output
