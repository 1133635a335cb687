"""Options of one matching run (the `cartnav match` flags as a library object)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cartnav.domain.errors import CartnavError
from cartnav.domain.trial import OPEN_STATUSES, STATUSES

DEFAULT_STATUSES: tuple[str, ...] = OPEN_STATUSES


class MatchOptionError(CartnavError):
    """A matching option (status, date, country) cannot be understood."""


@dataclass(frozen=True)
class MatchOptions:
    """What to match against.

    ``statuses``: registry statuses kept by the status filter (case-insensitive); ``("any",)``
    keeps every status. ``country``: ISO 3166 code or English name; only trials with a site there
    pass. ``max_km``: only trials with a site within this distance of the profile's
    ``residence.lat/lon`` pass (ignored when the profile has no coordinates). ``explain``: NCT ids
    whose full explanation is wanted whatever the filters say; ``results`` then holds exactly them.
    """

    statuses: Sequence[str] = DEFAULT_STATUSES
    country: str | None = None
    max_km: float | None = None
    limit: int = 20
    explain: Sequence[str] = ()

    def status_set(self) -> frozenset[str] | None:
        """Upper-cased statuses to keep, or ``None`` for every status."""
        wanted = {s.strip().upper().replace(" ", "_").replace(",", "") for s in self.statuses}
        if not wanted or "ANY" in wanted or "ALL" in wanted:
            return None
        return frozenset(wanted)


def validate_statuses(values: Sequence[str]) -> None:
    """Raise ``ValueError`` naming a status that the registry does not know."""
    for value in values:
        token = value.strip().upper().replace(" ", "_").replace(",", "")
        if token not in STATUSES and token not in {"ANY", "ALL"}:
            known = ", ".join(STATUSES)
            raise ValueError(f"unknown status {value!r}: expected any or one of {known}")
