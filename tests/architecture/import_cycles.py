"""Is there a circle among the project's modules? Function-local imports count.

    .venv/bin/python -m tests.architecture.import_cycles

builds the import graph of the project's packages with grimp (the library under import-linter),
which reads every import statement of every module: at the top, inside functions and methods,
under `if TYPE_CHECKING:`. It prints each circle it finds, with the lines that make it, and exits 1;
or says there is none and exits 0. tests/architecture/test_import_cycles.py runs the same check in CI.

Not seen, because they are not import statements: Django's string references ("app.Model",
INSTALLED_APPS, `import_string` of a setting), `importlib.import_module` with a computed name.
"""

import itertools
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def project_packages(root=ROOT):
    """The packages the import contracts cover: `root_packages` in pyproject.toml's [tool.importlinter]."""
    with open(root / "pyproject.toml", "rb") as f:
        return tuple(tomllib.load(f)["tool"]["importlinter"]["root_packages"])


def build_graph(packages):
    return grimp.build_graph(*packages, cache_dir=None)


def strongly_connected_components(graph):
    """Tarjan's algorithm, iteratively: each group of modules that import each other, directly or not."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    break
                if successor in on_stack:
                    low[module] = min(low[module], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    components.append(sorted(component))
    return components


def find_cycles(graph):
    """One shortest circle per group of modules that import each other, as a list of modules (first == last)."""
    cycles = []
    for component in strongly_connected_components(graph):
        if len(component) == 1:
            module = component[0]
            if graph.direct_import_exists(importer=module, imported=module):
                cycles.append([module, module])
            continue
        members = set(component)
        shortest = None
        for importer in component:
            for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
                back = graph.find_shortest_chain(importer=imported, imported=importer)
                if back and (shortest is None or len(back) + 1 < len(shortest)):
                    shortest = [importer, *back]
        cycles.append(shortest)
    return cycles


def describe(graph, cycle):
    lines = []
    for importer, imported in itertools.pairwise(cycle):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"line {d['line_number']}: {d['line_contents']}" for d in details)
        lines.append(f"  {importer} -> {imported}  ({where})")
    return "\n".join(lines)


def main():
    packages = project_packages()
    graph = build_graph(packages)
    cycles = find_cycles(graph)
    if not cycles:
        print(
            f"No import circle among {len(graph.modules)} modules of {', '.join(packages)}"
            " (function-local imports included)."
        )
        return 0
    for cycle in cycles:
        print(f"Import circle: {' -> '.join(cycle)}")
        print(describe(graph, cycle))
    return 1


if __name__ == "__main__":
    sys.exit(main())
