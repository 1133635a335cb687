"""The README stays true: its commands exist, and CI runs exactly its test command."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cartnav.cli import main

REPO = Path(__file__).resolve().parent.parent

README = (REPO / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "cartnav") -> list[str]:
    paths: list[str] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
    return paths


def test_every_command_is_in_the_readme() -> None:
    missing = [path for path in _command_paths(main) if path not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    quickstart = [line for block in blocks[:2] for line in block.splitlines() if line.strip()]
    install_and_run, test_command = quickstart[0], quickstart[1]
    assert "pip install -e ." in install_and_run and "cartnav assess" in install_and_run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines(), "'.ci/run' must call the README's test command exactly"


def test_readme_example_profile_exists() -> None:
    for path in re.findall(r"examples/[\w.-]+\.(?:json|yaml)", README):
        assert (REPO / path).is_file(), path


def test_bench_scripts_named_in_readme_exist() -> None:
    for path in re.findall(r"bench/\w+\.py", README):
        assert (REPO / path).is_file(), path
