"""The ``cartnav`` command line: thin wrappers that parse arguments, call the library, print.

Each command group lives in its own module; this module only assembles them and turns
:class:`~cartnav.domain.errors.CartnavError` into one line on stderr with exit code 2.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from cartnav.domain.errors import CartnavError

EPILOG = """\b
Examples:
  cartnav assess examples/profile-second-relapse.json --region US
  cartnav assess examples/profile-second-relapse.json --region EU --json
  cartnav products --region CN --disease B-ALL
  cartnav trials import ../shared/data/ctgov/cart_legacy_xml
  cartnav trials search leukemia --cart --status recruiting --age 7 --near 31.23,121.47 --max-km 500
  cartnav trials show NCT02435849 --criteria
  cartnav match examples/profile-second-relapse.json --country CN --limit 10
"""


class _Group(click.Group):
    """Turns cartnav errors into one stderr line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CartnavError as exc:
            click.echo(f"cartnav: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cartnav")
def main() -> None:
    """cartnav: a CAR-T therapy navigator.

    Decision support, never a diagnosis: every answer names its sources. Discuss it with the
    treating team.
    """


def _register() -> None:
    from cartnav.cli import assess, match, products, trials

    for module in (assess, products, trials, match):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
