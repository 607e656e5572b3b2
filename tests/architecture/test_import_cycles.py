"""No circle among the project's modules, function-local imports included.

The command for people: `.venv/bin/python -m tests.architecture.import_cycles`.
"""

import textwrap

import pytest

from .import_cycles import build_graph, describe, find_cycles, project_packages


def test_no_import_circle_among_the_project_modules():
    graph = build_graph(project_packages())
    cycles = find_cycles(graph)
    assert not cycles, "import circles:\n" + "\n".join(describe(graph, cycle) for cycle in cycles)


def test_the_graph_covers_every_app():
    graph = build_graph(project_packages())
    for module in ("workflow.services.assignment", "notifications.delivery", "deadlines.rules", "demo.drive"):
        assert module in graph.modules


@pytest.fixture
def scratch_package(tmp_path, monkeypatch):
    """A throwaway package `scratchloop` on sys.path; write its modules with `write(name, source)`."""
    package = tmp_path / "scratchloop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name, source):
        (package / f"{name}.py").write_text(textwrap.dedent(source))

    return write


def test_a_circle_through_a_function_local_import_is_found(scratch_package):
    scratch_package(
        "low",
        """
        def later():
            from scratchloop import high  # only when called: still a circle

            return high.VALUE
    """,
    )
    scratch_package(
        "high",
        """
        from scratchloop import low

        VALUE = low
    """,
    )
    graph = build_graph(["scratchloop"])
    cycles = find_cycles(graph)
    assert len(cycles) == 1
    assert set(cycles[0]) == {"scratchloop.low", "scratchloop.high"}
    assert "line 3: from scratchloop import high" in describe(graph, cycles[0])


def test_a_circle_under_type_checking_and_in_a_method_is_found(scratch_package):
    scratch_package(
        "a",
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from scratchloop.b import B
    """,
    )
    scratch_package(
        "b",
        """
        class B:
            def run(self):
                import scratchloop.c

                return scratchloop.c
    """,
    )
    scratch_package(
        "c",
        """
        import scratchloop.a
    """,
    )
    cycles = find_cycles(build_graph(["scratchloop"]))
    assert len(cycles) == 1
    assert set(cycles[0]) == {"scratchloop.a", "scratchloop.b", "scratchloop.c"}


def test_one_way_imports_are_no_circle(scratch_package):
    scratch_package("low", "VALUE = 1\n")
    scratch_package(
        "high",
        """
        def later():
            from scratchloop import low

            return low.VALUE
    """,
    )
    assert find_cycles(build_graph(["scratchloop"])) == []
