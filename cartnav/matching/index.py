"""The fast path: trials with their parsed criteria held in memory, ready to match.

Criteria are parsed once per distinct text (and cached in the store by parser version), and the
trial facts matching reads (status, age limits, diseases, targets, site countries and
coordinates) are read once per trial. Matching a patient then evaluates each distinct criteria
text once and each trial with a few look-ups (see :mod:`cartnav.matching.engine`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cartnav.criteria.batch import parse_many
from cartnav.domain.criterion import CriterionItem
from cartnav.domain.patient import Profile
from cartnav.domain.trial import Site, Trial
from cartnav.matching.criteria_cache import (
    CriteriaCache,
    Parser,
    default_parser,
    items_from_json,
    items_to_json,
    parser_version,
)
from cartnav.matching.options import MatchOptions
from cartnav.matching.results import MatchReport, TrialMatch
from cartnav.matching.route_lists import RouteShape, route_shape
from cartnav.matching.trial_traits import TrialTraits, read_traits
from cartnav.registry.geo import country_code, geocode

NO_CRITERIA = -1  # set id of trials whose record has no criteria text


@dataclass(frozen=True, slots=True)
class IndexedTrial:
    trial: Trial
    status: str
    traits: TrialTraits
    set_id: int
    countries: frozenset[str]
    coords: tuple[tuple[float, float], ...]  # the sites' points, deduplicated and shared
    criteria_cut: bool = False  # the record says its criteria text is an excerpt (cart pages)


class MatchIndex:
    """Trials ready to match, each with its criteria parsed."""

    def __init__(self, *, parse: Parser | None = None, version: str | None = None) -> None:
        self.parse = parse or default_parser()
        # Where full records can be read again (a TrialStore): then the index keeps no sites,
        # only their countries and points, and reads the sites of the results it shows.
        self.source: Any | None = None
        self.parser_version = version or parser_version()
        self.entries: list[IndexedTrial] = []
        self.by_id: dict[str, IndexedTrial] = {}
        self.sets: list[tuple[CriterionItem, ...]] = []
        self.set_item_ids: list[tuple[int, ...]] = []  # interned item ids, parallel to ``sets``
        self.set_routes: list[RouteShape] = []  # the routes each set states, parallel to ``sets``
        self._item_ids: dict[tuple[Any, ...], int] = {}
        # id(constraint) -> one id per distinct constraint (type and attributes)
        self.constraint_ids: dict[int, int] = {}
        self._constraint_keys: dict[tuple[str, str], int] = {}
        self._set_ids: dict[str, int] = {}
        self._traits: dict[tuple[Any, ...], TrialTraits] = {}
        self._coords: dict[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]] = {}
        self._countries: dict[frozenset[str], frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[IndexedTrial]:
        return iter(self.entries)

    def get(self, nct_id: str) -> IndexedTrial | None:
        return self.by_id.get(nct_id.strip().upper())

    @classmethod
    def build(cls, trials: Iterable[Trial], *, parse: Parser | None = None) -> MatchIndex:
        index = cls(parse=parse)
        for trial in trials:
            index.add(trial)
        return index

    @classmethod
    def from_store(
        cls,
        store: Any,
        *,
        statuses: Sequence[str] | None = None,
        nct_ids: Sequence[str] | None = None,
        batch: int = 1000,
    ) -> MatchIndex:
        """Load trials from a :class:`~cartnav.storage.TrialStore`, reusing cached parses."""
        index = cls()
        index.source = store
        pending: list[Trial] = []
        for trial in store.iter_trials(statuses=statuses, nct_ids=nct_ids):
            pending.append(trial)
            if len(pending) >= batch:
                index.add_cached(pending, store)
                pending = []
        index.add_cached(pending, store)
        return index

    def add_cached(self, trials: Sequence[Trial], cache: CriteriaCache) -> None:
        """Add trials, reading parsed criteria from ``cache`` and storing the new parses."""
        if not trials:
            return
        wanted = [t.nct_id for t in trials if _text(t) and _text(t) not in self._set_ids]
        cached = cache.get_parsed_criteria(wanted, self.parser_version) if wanted else {}
        found: dict[str, list[CriterionItem]] = {}
        missing: dict[str, None] = {}  # texts to parse, once each, in order
        for trial in trials:
            text = _text(trial)
            if text and text not in self._set_ids and text not in found:
                row = cached.get(trial.nct_id)
                from_cache = items_from_json(row, text) if row is not None else None
                if from_cache is None:
                    missing.setdefault(text, None)
                else:
                    found[text] = from_cache
        parsed = dict(zip(missing, self._parse_all(list(missing)), strict=True))
        fresh: dict[str, str] = {}
        for trial in trials:
            text = _text(trial)
            items: list[CriterionItem] | None = None
            if text and text not in self._set_ids:
                if text in parsed:
                    items = parsed[text]
                    fresh[trial.nct_id] = items_to_json(text, items)
                else:
                    items = found[text]
            self.add(trial, items)
        if fresh:
            cache.put_parsed_criteria(fresh, self.parser_version)

    def _parse_all(self, texts: list[str]) -> list[list[CriterionItem]]:
        """Parse ``texts``: on every core when the parser is the default one."""
        if self.parse is default_parser() and texts:
            return parse_many(texts)
        return [self.parse(text) for text in texts]

    def add(self, trial: Trial, items: Sequence[CriterionItem] | None = None) -> None:
        text = _text(trial)
        if text is None:
            set_id = NO_CRITERIA
        elif text in self._set_ids:
            set_id = self._set_ids[text]
        else:
            set_id = len(self.sets)
            parsed = tuple(items if items is not None else self.parse(text))
            self.sets.append(parsed)
            self.set_item_ids.append(tuple(self._intern(item) for item in parsed))
            self.set_routes.append(route_shape(parsed))
            self._set_ids[text] = set_id
        key = (
            trial.brief_title,
            trial.official_title,
            trial.acronym,
            trial.conditions,
            trial.keywords,
            trial.interventions,
            trial.brief_summary if not trial.interventions else None,
            trial.phases,
        )
        traits = self._traits.get(key)
        if traits is None:
            traits = self._traits[key] = read_traits(trial)
        countries = frozenset(
            code for s in trial.sites if (code := s.country_code or country_code(s.country))
        )
        coords = tuple(dict.fromkeys(p for site in trial.sites if (p := site_point(site))))
        coords = self._coords.setdefault(coords, coords)
        countries = self._countries.setdefault(countries, countries)
        entry = IndexedTrial(
            _slim(trial, keep_sites=self.source is None),
            sys.intern(trial.status.upper()),
            traits,
            set_id,
            countries,
            coords,
            trial.extra.get("criteria_complete") == "false",
        )
        previous = self.by_id.get(trial.nct_id)
        if previous is not None:
            self.entries.remove(previous)
        self.entries.append(entry)
        self.by_id[trial.nct_id] = entry

    def _intern(self, item: CriterionItem) -> int:
        """One id per distinct item (its text, kind, group, parent and constraints; not its
        offsets), so boilerplate shared by many trials is evaluated once per patient."""
        for c in item.constraints:
            ckey = (c.type, repr(sorted(c.attrs.items())))
            cid = self._constraint_keys.setdefault(ckey, len(self._constraint_keys))
            self.constraint_ids[id(c)] = cid
        key = (
            item.kind,
            item.text,
            item.group,
            item.parent,
            tuple(
                (c.type, repr(sorted(c.attrs.items())), c.span, c.alternative)
                for c in item.constraints
            ),
        )
        found = self._item_ids.get(key)
        if found is None:
            found = self._item_ids[key] = len(self._item_ids)
        return found

    def match(
        self, profile: Profile, *, as_of: dt.date, options: MatchOptions | None = None
    ) -> MatchReport:
        from cartnav.matching.engine import run_match

        return run_match(self, profile, as_of=as_of, options=options or MatchOptions())

    def explain(self, profile: Profile, nct_id: str, *, as_of: dt.date) -> TrialMatch:
        report = self.match(profile, as_of=as_of, options=MatchOptions(explain=(nct_id,)))
        return report.results[0]


def full_sites(index: MatchIndex, entry: IndexedTrial) -> tuple[Site, ...]:
    """The trial's sites, read again from the store when the index does not keep them."""
    if index.source is not None and not entry.trial.sites and (entry.coords or entry.countries):
        stored = index.source.get_trial(entry.trial.nct_id)
        if stored is not None:
            return tuple(stored.sites)
    return entry.trial.sites


def _slim(trial: Trial, *, keep_sites: bool) -> Trial:
    """The trial as results show it: long texts dropped (the criteria are parsed, the traits
    read), repeated short strings interned. Keeps a 100,000-trial index small."""
    sites = tuple(
        Site(
            site.facility,
            _intern(site.city),
            _intern(site.state),
            _intern(site.country),
            _intern(site.country_code),
            _intern(site.status),
            site.lat,
            site.lon,
        )
        for site in (trial.sites if keep_sites else ())
    )
    return dataclasses.replace(
        trial,
        brief_summary=None,
        detailed_description=None,
        eligibility_criteria=None,
        official_title=None,
        keywords=(),
        mesh_terms=(),
        interventions=tuple(
            dataclasses.replace(i, description=None, type=_intern(i.type))
            for i in trial.interventions
        ),
        conditions=tuple(sys.intern(c) for c in trial.conditions),
        phases=tuple(sys.intern(p) for p in trial.phases),
        collaborators=(),
        extra={},
        sites=sites,
    )


def _intern(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


def site_point(site: Site) -> tuple[float, float] | None:
    """The site's coordinates, else its city's (approximate, offline GeoNames)."""
    if site.lat is not None and site.lon is not None:
        return (site.lat, site.lon)
    return geocode(site.city, site.country_code or site.country, site.state)


def _text(trial: Trial) -> str | None:
    text = trial.eligibility_criteria
    return text if text is not None and text.strip() else None
