"""The cli package has no import cycles and nothing in it imports the package itself (the import-
linter contracts in pyproject.toml say the same; this keeps holding if a merge loses them)."""

from __future__ import annotations

import itertools

import grimp


def test_no_module_of_the_cli_imports_the_package_or_takes_part_in_a_cycle():
    graph = grimp.build_graph("cli", "core")
    modules = sorted(m for m in graph.modules if m == "cli" or m.startswith("cli."))
    assert {"cli", "cli.parser", "cli.terminal", "cli.commands.search", "cli.commands.train"} <= set(modules)
    assert graph.find_modules_that_directly_import("cli") == set()
    cycles = [(a, b) for a, b in itertools.combinations(modules, 2)
              if graph.chain_exists(importer=a, imported=b) and graph.chain_exists(importer=b, imported=a)]
    assert cycles == []
