"""The treatment course as matching reads it: relapses, responses and prior therapies.

The disease-state summary (code, relapse count, refractory, relapse after transplant, active
disease, site of the latest relapse) comes from
:func:`cartnav.domain.disease_state.derive_disease_state`. Prior therapies are read here, from the
history events, with their dates.

An empty ``history`` means the course is unknown: every course fact is then ``None``. In a listed
history, CAR-T and transplant are events of their own, so their absence is read as "not had";
a drug (blinatumomab, a TKI, ...) that is not listed stays unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cartnav.criteria.drug_names import CHEMO_DRUGS
from cartnav.domain.disease_state import derive_disease_state
from cartnav.domain.patient import CarT, Hsct, Induction, Profile, Reinduction, Therapy

# Therapies whose absence from a listed history counts as "not had" (they are event types).
EVENT_THERAPIES = frozenset({"car_t", "hsct", "allo_hsct", "auto_hsct", "gene_therapy"})

CD19_PRODUCTS = (
    "tisagenlecleucel",
    "kymriah",
    "axicabtagene",
    "yescarta",
    "brexucabtagene",
    "tecartus",
    "lisocabtagene",
    "breyanzi",
    "obecabtagene",
    "aucatzyl",
    "relmacabtagene",
    "inaticabtagene",
    "varnimcabtagene",
    "ctl019",
    "kte-x19",
)
AGENT_TOKENS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("blinatumomab", "blincyto"), ("blinatumomab", "cd19_directed", "immunotherapy")),
    (("inotuzumab", "besponsa"), ("inotuzumab", "cd22_directed", "immunotherapy")),
    (("rituximab", "obinutuzumab", "ofatumumab"), ("anti_cd20", "cd20_directed", "immunotherapy")),
    (("tafasitamab", "loncastuximab"), ("cd19_directed", "immunotherapy")),
    (
        ("tinib",),  # the stem of every tyrosine kinase inhibitor (imatinib, dasatinib, ...)
        ("tki",),
    ),
    (("venetoclax",), ("venetoclax",)),
    (("donor lymphocyte", "dli"), ("donor_lymphocyte_infusion",)),
    (("radiotherapy", "radiation", "irradiation", "tbi"), ("radiotherapy",)),
    (
        ("dexamethasone", "prednisone", "prednisolone", "methylprednisolone", "steroid"),
        ("steroids",),
    ),
    (("investigational", "study drug", "trial"), ("investigational_agent",)),
    (("chemo", "flag", "hyper-cvad", *CHEMO_DRUGS), ("chemotherapy",)),
)


@dataclass(frozen=True, slots=True)
class TherapyEvent:
    tokens: frozenset[str]
    date: dt.date | None
    label: str  # plain words: "CAR-T (tisagenlecleucel)", "allogeneic transplant", ...


@dataclass(frozen=True, slots=True)
class Course:
    history_known: bool
    code: str  # interfaces.md section 2 disease_state.code
    relapse_count: int | None
    refractory: bool | None
    post_hsct: bool | None
    active_disease: bool | None
    latest_relapse_site: str | None
    therapies: tuple[TherapyEvent, ...]


def read_course(profile: Profile) -> Course:
    """Summarise the profile's history for matching (pure)."""
    if not profile.history:
        return Course(False, "unknown", None, None, None, None, None, ())
    state = derive_disease_state(profile)
    return Course(
        history_known=True,
        code=state.code,
        relapse_count=state.relapse_count,
        refractory=state.refractory,
        post_hsct=state.post_hsct,
        active_disease=state.active_disease,
        latest_relapse_site=state.relapse_site,
        therapies=tuple(_therapy_events(profile)),
    )


def _therapy_events(profile: Profile) -> list[TherapyEvent]:
    events: list[TherapyEvent] = []
    for event in profile.history:
        if isinstance(event, CarT):
            tokens = {"car_t", "gene_therapy", "cell_therapy", "immunotherapy"}
            target = (event.target or "").upper().replace("-", "")
            product = (event.product or "").lower()
            if "CD19" in target or any(name in product for name in CD19_PRODUCTS):
                tokens.add("cd19_directed")
            if "CD22" in target:
                tokens.add("cd22_directed")
            label = f"CAR-T ({event.product or event.target or 'product not named'})"
            events.append(TherapyEvent(frozenset(tokens), event.date, label))
        elif isinstance(event, Hsct):
            tokens = {"hsct", "cell_therapy"}
            if event.donor == "allogeneic":
                tokens.add("allo_hsct")
            elif event.donor == "autologous":
                tokens.add("auto_hsct")
            label = {
                "allogeneic": "allogeneic transplant",
                "autologous": "autologous transplant",
            }.get(event.donor or "", "stem cell transplant")
            events.append(TherapyEvent(frozenset(tokens), event.date, label))
        elif isinstance(event, Induction | Reinduction):
            events.append(TherapyEvent(frozenset({"chemotherapy"}), event.date, event.type))
        elif isinstance(event, Therapy):
            agent = (event.agent or "").lower()
            found: set[str] = set()
            for words, tokens_for in AGENT_TOKENS:
                if any(word in agent for word in words):
                    found.update(tokens_for)
            events.append(
                TherapyEvent(frozenset(found or {"other"}), event.date, agent or "therapy")
            )
    return events
