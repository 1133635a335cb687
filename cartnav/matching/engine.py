"""One matching run: hard filters, criterion verdicts, overall answer, ranking, explanation.

Per patient, each distinct criteria text is evaluated once and each distinct registry field
value (age limits, sex, conditions and targets, countries, site coordinates) once; a trial then
costs a few dictionary look-ups. Full :class:`TrialMatch` objects (every criterion with its
reason, the sites) are built only for the results shown and the trials named in ``explain``.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from cartnav.domain.criterion import Constraint, CriterionItem, ItemKind
from cartnav.domain.errors import NotFoundError
from cartnav.domain.patient import Profile
from cartnav.domain.trial import Site, Trial
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators import evaluate_constraint
from cartnav.matching.evaluators.disease import relation
from cartnav.matching.filters import (
    FactFilter,
    age_filter,
    disease_filter,
    place_filters,
    sex_filter,
    status_filter,
)
from cartnav.matching.index import NO_CRITERIA, IndexedTrial, MatchIndex, full_sites, site_point
from cartnav.matching.items import evaluate_item
from cartnav.matching.missing import missing_information
from cartnav.matching.options import MatchOptions
from cartnav.matching.overall import decide
from cartnav.matching.patient_facts import PatientFacts, read_patient
from cartnav.matching.ranking import Relevance, relevance, score
from cartnav.matching.results import (
    CriterionResult,
    Evaluation,
    MatchReport,
    Overall,
    SiteView,
    TrialMatch,
)
from cartnav.matching.route_lists import apply_route_lists
from cartnav.matching.structure import (
    OTHER_COHORT,
    apply_cohorts,
    apply_groups,
    apply_headings,
    apply_routes,
)
from cartnav.registry.geo import country_code, haversine_km

_NO_TEXT = CriterionResult(
    "inclusion",
    "Eligibility criteria: not in the stored record",
    Verdict.UNKNOWN,
    "Unknown: the stored record has no eligibility criteria text; ask the study team.",
    "registry_fields",
    constraint_types=("criteria_text",),
)
_CUT = CriterionResult(
    "inclusion",
    "Eligibility criteria: the stored text is cut off",
    Verdict.UNKNOWN,
    "Unknown: this record's criteria text is an excerpt that stops before the end; the rest must"
    " be read on the registry page with the study team.",
    "registry_fields",
    constraint_types=("criteria_text",),
)


_DEFERRED = (
    "Unknown: the registry's age limits admit the patient; this age in the text may be for a"
    " sub-group or another phase, so the study team must judge it."
)


@dataclass(frozen=True, slots=True)
class _Verdicts:
    overall: Overall
    why: str
    decided: int
    unknown: int


class _Run:
    def __init__(self, index: MatchIndex, facts: PatientFacts, options: MatchOptions) -> None:
        self.index = index
        self.facts = facts
        self.options = options
        self.wanted = options.status_set()
        residence = facts.profile.residence
        self.home = (
            (residence.lat, residence.lon)
            if residence is not None and residence.lat is not None and residence.lon is not None
            else None
        )
        self.home_country = residence.country if residence is not None else None
        self._ages: dict[tuple[int | None, int | None], FactFilter] = {}
        self._sexes: dict[str, FactFilter] = {}
        self._diseases: dict[int, FactFilter] = {}
        self._sets: dict[int, tuple[CriterionResult, ...]] = {}
        self._items: dict[int, CriterionResult] = {}
        self._deferred: dict[int, tuple[CriterionResult, ...]] = {}
        self._constraints: dict[tuple[int, str], Evaluation] = {}
        self._verdicts: dict[tuple[int, int, int, int, bool], _Verdicts] = {}
        self._relevance: dict[tuple[int, bool], Relevance] = {}
        self._km: dict[int, float | None] = {}
        self._country: dict[frozenset[str], bool] = {}
        self._home_codes: dict[frozenset[str], bool] = {}
        self.sites: dict[str, tuple[Site, ...]] = {}  # read from the store for the results shown

    def prefetch_sites(self, entries: list[IndexedTrial]) -> None:
        """One store query for the sites of the results shown (the index keeps none)."""
        source = self.index.source
        wanted = [
            e.trial.nct_id for e in entries if not e.trial.sites and (e.coords or e.countries)
        ]
        if source is None or not wanted:
            return
        self.sites.update({t.nct_id: tuple(t.sites) for t in source.iter_trials(nct_ids=wanted)})

    # --- cached pieces -------------------------------------------------------------------
    def age(self, trial: Trial) -> FactFilter:
        key = (trial.min_age_days, trial.max_age_days)
        found = self._ages.get(key)
        if found is None:
            found = self._ages[key] = age_filter(self.facts, *key)
        return found

    def sex(self, trial: Trial) -> FactFilter:
        found = self._sexes.get(trial.sex)
        if found is None:
            found = self._sexes[trial.sex] = sex_filter(self.facts, trial.sex)
        return found

    def disease(self, entry: IndexedTrial) -> FactFilter:
        key = id(entry.traits)
        found = self._diseases.get(key)
        if found is None:
            found = self._diseases[key] = disease_filter(self.facts, entry.traits)
        return found

    def criteria(self, set_id: int) -> tuple[CriterionResult, ...]:
        found = self._sets.get(set_id)
        if found is None:
            if set_id == NO_CRITERIA:
                found = (_NO_TEXT,)
            else:
                items = self.index.sets[set_id]
                ids = self.index.set_item_ids[set_id]
                evaluated = apply_cohorts(
                    [self.item(i, item) for i, item in zip(ids, items, strict=True)]
                )
                shape = self.index.set_routes[set_id]
                routed = apply_route_lists(items, apply_routes(items, evaluated), shape.qualified)
                found = apply_groups(apply_headings(items, routed), shape.aliases, shape.qualified)
            self._sets[set_id] = found
        return found

    def constraint(self, constraint: Constraint, kind: ItemKind) -> Evaluation:
        """Constraints repeat across items ("HIV infection", "ALT <= 3 x ULN"): once each."""
        key = (self.index.constraint_ids.get(id(constraint), -1 - id(constraint)), kind)
        found = self._constraints.get(key)
        if found is None:
            found = self._constraints[key] = evaluate_constraint(self.facts, constraint, kind)
        return found

    def item(self, item_id: int, item: CriterionItem) -> CriterionResult:
        found = self._items.get(item_id)
        if found is None:
            found = self._items[item_id] = evaluate_item(self.facts, item, self.constraint)
        span = (item.start, item.end)
        return found if found.span == span else found.but(found.verdict, found.reason, span)

    def verdicts(self, entry: IndexedTrial) -> tuple[_Verdicts, FactFilter]:
        age, sex, disease = self.age(entry.trial), self.sex(entry.trial), self.disease(entry)
        key = (id(age), id(sex), id(disease), entry.set_id, entry.criteria_cut)
        found = self._verdicts.get(key)
        if found is None:
            rows = self.rows(entry)
            overall, why = decide(rows)
            patient_rows = [r for r in rows if r.verdict is not Verdict.NOT_APPLICABLE]
            unknown = sum(r.verdict is Verdict.UNKNOWN for r in patient_rows)
            found = _Verdicts(overall, why, len(patient_rows) - unknown, unknown)
            self._verdicts[key] = found
        return found, disease

    def rows(self, entry: IndexedTrial) -> list[CriterionResult]:
        trial = entry.trial
        age = self.age(trial)
        fixed = [age.row, self.sex(trial).row, self.disease(entry).row]
        limits = trial.min_age_days is not None or trial.max_age_days is not None
        if age.check.passed and limits:
            criteria = self.criteria_under_registry_ages(entry.set_id)
        else:
            criteria = self.criteria(entry.set_id)
        if any(r.reason.startswith(OTHER_COHORT) for r in criteria):
            criteria = self.cohorts_in_registry(entry, criteria)
        cut = [_CUT] if entry.criteria_cut and entry.set_id != NO_CRITERIA else []
        return [r for r in fixed if r is not None] + list(criteria) + cut

    def cohorts_in_registry(
        self, entry: IndexedTrial, criteria: tuple[CriterionResult, ...]
    ) -> tuple[CriterionResult, ...]:
        """Another cohort's criteria are set aside only when the registry lists another disease
        too; otherwise the text and the registry disagree and the study team must judge."""
        patient = self.facts.disease
        tokens = entry.traits.diseases - {"OTHER", "ANY", "HEME", "LEUKEMIA"}
        if patient is None or any(relation(patient, t) is Verdict.NOT_MET for t in tokens):
            return criteria
        return tuple(
            r.but(
                Verdict.UNKNOWN,
                "Unknown: " + r.reason.removeprefix("Not applicable: "),
                cautious=True,
            )
            if r.reason.startswith(OTHER_COHORT)
            else r
            for r in criteria
        )

    def criteria_under_registry_ages(self, set_id: int) -> tuple[CriterionResult, ...]:
        """When the registry's own age limits admit the patient, an age in the text that fails
        (a sub-group, another phase: "less than or equal to 5 years old: maximum creatinine
        0.8 mg/dL") is left to the study team."""
        found = self._deferred.get(set_id)
        if found is None:
            found = tuple(
                r.but(Verdict.UNKNOWN, f"{_DEFERRED} ({r.reason})", cautious=True)
                if r.verdict is Verdict.NOT_MET and r.facts == ("age",)
                else r
                for r in self.criteria(set_id)
            )
            self._deferred[set_id] = found
        return found

    def nearest(self, entry: IndexedTrial) -> float | None:
        if self.home is None or not entry.coords:
            return None
        key = id(entry.coords)  # the index shares equal coordinate tuples
        found = self._km.get(key, -1.0)
        if found == -1.0:
            lat, lon = self.home
            found = min(haversine_km(lat, lon, a, b) for a, b in entry.coords)
            self._km[key] = found
        return found

    def km_to(self, point: tuple[float, float] | None) -> float | None:
        if self.home is None or point is None:
            return None
        return haversine_km(self.home[0], self.home[1], point[0], point[1])

    def in_country(self, entry: IndexedTrial) -> bool:
        """The ``--country`` filter: a site there, or no site countries listed (kept)."""
        if self.options.country is None or not entry.countries:
            return True
        found = self._country.get(entry.countries)
        if found is None:
            checks = place_filters(self.facts, entry.countries, self.options.country, None, None)
            found = self._country[entry.countries] = all(c.passed for c in checks)
        return found

    def at_home(self, entry: IndexedTrial) -> bool:
        if not self.home_country or not entry.countries:
            return False
        found = self._home_codes.get(entry.countries)
        if found is None:
            code = country_code(self.home_country)
            found = self._home_codes[entry.countries] = code in entry.countries
        return found

    def relevance(self, entry: IndexedTrial, specific: bool) -> Relevance:
        key = (id(entry.traits), specific)
        found = self._relevance.get(key)
        if found is None:
            found = self._relevance[key] = relevance(self.facts, entry.traits, specific)
        return found

    def score(self, entry: IndexedTrial) -> tuple[float, tuple[str, ...], _Verdicts]:
        verdicts, disease = self.verdicts(entry)
        value, reasons = score(
            verdicts.overall,
            verdicts.decided,
            verdicts.unknown,
            self.relevance(entry, disease.specific),
            entry.status,
            self.nearest(entry),
            self.at_home(entry),
            entry.traits.phase_points,
            "/".join(
                p.replace("PHASE", "").replace("EARLY_", "early ") for p in entry.trial.phases
            ),
        )
        return value, reasons, verdicts

    # --- the hot path ----------------------------------------------------------------------
    def removed_by(self, entry: IndexedTrial) -> str | None:
        """The first hard filter that removes this trial, or ``None``."""
        if self.wanted is not None and entry.status not in self.wanted:
            return "status"
        if not self.age(entry.trial).check.passed:
            return "age"
        if not self.sex(entry.trial).check.passed:
            return "sex"
        if not self.disease(entry).check.passed:
            return "disease"
        if not self.in_country(entry):
            return "country"
        max_km = self.options.max_km
        if max_km is not None:
            km = self.nearest(entry)
            if km is not None and km > max_km:
                return "distance"
        return None

    # --- full explanation ------------------------------------------------------------------
    def full(self, entry: IndexedTrial) -> TrialMatch:
        trial = entry.trial
        value, reasons, verdicts = self.score(entry)
        checks = [
            status_filter(entry.status, self.wanted),
            self.age(trial).check,
            self.sex(trial).check,
            self.disease(entry).check,
            *place_filters(
                self.facts,
                entry.countries,
                self.options.country,
                self.options.max_km,
                self.nearest(entry),
            ),
        ]
        sites = [
            SiteView(s.facility, s.city, s.country, s.status, self.km_to(site_point(s)))
            for s in self.sites.get(trial.nct_id) or full_sites(self.index, entry)
        ]
        sites.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0))
        return TrialMatch(
            nct_id=trial.nct_id,
            title=trial.brief_title,
            status=entry.status,
            phases=trial.phases,
            overall=verdicts.overall,
            why=verdicts.why,
            score=value,
            rank_reasons=reasons,
            criteria=tuple(self.rows(entry)),
            filters=tuple(checks),
            sites=tuple(sites),
            targets=entry.traits.targets,
            cell_therapy=entry.traits.cell_therapy,
        )


def run_match(
    index: MatchIndex, profile: Profile, *, as_of: dt.date, options: MatchOptions
) -> MatchReport:
    facts = read_patient(profile, as_of=as_of)
    run = _Run(index, facts, options)
    removed: dict[str, int] = {}
    statuses = (
        tuple(dict.fromkeys(s.strip().upper().replace(" ", "_") for s in options.statuses))
        if run.wanted is not None
        else ("any",)
    )
    if options.explain:
        results = []
        for nct_id in options.explain:
            entry = index.get(nct_id)
            if entry is None:
                raise NotFoundError(f"trial {nct_id.strip().upper()} is not in the store")
            results.append(run.full(entry))
        return MatchReport(
            as_of,
            statuses,
            results,
            missing_information(results),
            len(index),
            sum(1 for e in index if run.removed_by(e) is None),
            removed,
            tuple(n.strip().upper() for n in options.explain),
            index.parser_version,
        )
    ranked: list[tuple[float, str, IndexedTrial]] = []
    for entry in index.entries:
        reason = run.removed_by(entry)
        if reason is not None:
            removed[reason] = removed.get(reason, 0) + 1
            continue
        value = run.score(entry)[0]
        ranked.append((-value, entry.trial.nct_id, entry))
    top = heapq.nsmallest(max(options.limit, 0), ranked, key=lambda r: (r[0], r[1]))
    run.prefetch_sites([entry for _, _, entry in top])
    results = [run.full(entry) for _, _, entry in top]
    return MatchReport(
        as_of,
        statuses,
        results,
        missing_information(results),
        len(index),
        len(ranked),
        removed,
        (),
        index.parser_version,
    )


def match_trials(
    profile: Profile,
    trials: Iterable[Trial],
    *,
    as_of: dt.date,
    options: MatchOptions | None = None,
) -> MatchReport:
    """Match one patient against ``trials`` (parsed here; use :class:`MatchIndex` to reuse)."""
    return MatchIndex.build(trials).match(profile, as_of=as_of, options=options)


def evaluate_trial(profile: Profile, trial: Trial, *, as_of: dt.date) -> TrialMatch:
    """Every criterion of one trial for one patient, whatever the filters would say.

    ``TrialMatch.filters`` still says which default filter (status recruiting or not yet
    recruiting, age, sex, disease) would have removed it.
    """
    index = MatchIndex.build([trial])
    options = MatchOptions(explain=(trial.nct_id,))
    return index.match(profile, as_of=as_of, options=options).results[0]
