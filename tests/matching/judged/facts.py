"""Hand-read facts of each judged profile, as a clinician would summarise them.

Written by reading each profile JSON (not derived by code from it), so the judgements do not
depend on any cartnav parser. Keys:

- ``age``: age in years on ``as_of``; ``dx_age``: age at diagnosis (for "age N at diagnosis" rules)
- ``dis``: B-ALL | T-ALL | AML | ALL (lineage unknown) | None (disease not given)
- ``st``: new | cr1 | cr1mrd (first remission, MRD positive) | pref (primary refractory) |
  rel1 (first relapse, not shown refractory) | refrel (relapse refractory to re-induction) |
  rel2 (second or later relapse) | cr2 (second remission) | None (course unknown)
- ``untreated``: the current relapse has had no salvage course yet
- ``very_early``: first relapse under 18 months from diagnosis
- ``after_salvage``: relapsed or refractory after at least one salvage regimen
- ``post_hsct``: latest relapse after an allogeneic HSCT; ``hsct_days``: days since it (None: none)
- ``cart`` prior CAR-T; ``cd19dir`` any prior CD19-directed therapy (CAR-T, blinatumomab)
- ``m``: markers (pos/neg); ``cns3``; ``blasts`` marrow %; ``mrd``
- ``lansky``/``kps``/``ecog``; ``hiv``/``hbv`` (chronic infection listed); ``inf`` active infection
- ``gvhd`` active GVHD (``gvhd_grade``); ``preg``; ``malig`` other malignancy; ``organ`` ok|bad|None
- ``complete``: every fact the profile schema can hold for screening is given
"""

from __future__ import annotations

from typing import Any

_NONE = {"hiv": False, "hbv": False, "inf": False, "gvhd": False, "preg": False, "malig": False}
_OK = {**_NONE, "organ": "ok", "cns3": False, "complete": True}


def _p(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "dx_age": None,
        "dis": "B-ALL",
        "st": None,
        "untreated": False,
        "very_early": None,
        "after_salvage": False,
        "post_hsct": False,
        "hsct_days": None,
        "cart": False,
        "cd19dir": False,
        "m": {},
        "cns3": None,
        "blasts": None,
        "mrd": None,
        "lansky": None,
        "kps": None,
        "ecog": None,
        "hiv": None,
        "hbv": None,
        "inf": None,
        "gvhd": None,
        "gvhd_grade": None,
        "preg": None,
        "malig": None,
        "organ": None,
        "complete": False,
        "ph": False,
        "tki2": False,
        "infant": False,
    }
    base.update(kw)
    return base


POS19_22 = {"CD19": "pos", "CD22": "pos"}
POS19 = {"CD19": "pos"}

FACTS: dict[str, dict[str, Any]] = {
    "child_ball_newly_diagnosed": _p(age=6, st="new", m=POS19_22, blasts=85, lansky=80, **_OK),
    "child_ball_first_remission": _p(
        age=9, st="cr1", m=POS19, blasts=0, mrd=0.0, lansky=100, **_OK
    ),
    "adolescent_ball_cr1_mrd_positive": _p(
        age=15, st="cr1mrd", m=POS19_22, blasts=0, mrd=0.002, lansky=90, kps=90, **_OK
    ),
    "child_ball_primary_refractory": _p(age=8, st="pref", m=POS19_22, blasts=30, lansky=80, **_OK),
    "child_ball_first_relapse_very_early": _p(
        age=10,
        st="rel1",
        untreated=True,
        very_early=True,
        m=POS19_22,
        blasts=40,
        lansky=90,
        kps=90,
        **_OK,
    ),
    "child_ball_first_relapse_late": _p(
        age=12,
        st="rel1",
        untreated=True,
        very_early=False,
        m=POS19_22,
        blasts=25,
        lansky=90,
        kps=90,
        **_OK,
    ),
    "adolescent_ball_refractory_relapse": _p(
        age=16,
        st="refrel",
        very_early=False,
        after_salvage=True,
        m=POS19_22,
        blasts=20,
        kps=80,
        **_OK,
    ),
    "child_ball_second_relapse": _p(
        age=7,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19_22,
        blasts=35,
        lansky=90,
        **_OK,
    ),
    "young_adult_ball_second_relapse_after_old_hsct": _p(
        age=20,
        dx_age=15.6,
        st="rel2",
        untreated=True,
        after_salvage=True,
        post_hsct=True,
        hsct_days=1157,
        m=POS19_22,
        blasts=15,
        kps=90,
        ecog=0,
        **_OK,
    ),
    "child_ball_relapse_recent_hsct": _p(
        age=11,
        st="rel1",
        untreated=True,
        very_early=True,
        post_hsct=True,
        hsct_days=83,
        m=POS19,
        blasts=20,
        lansky=80,
        kps=80,
        **_OK,
    ),
    "adult_ball_relapse_post_hsct_active_gvhd": _p(
        age=35,
        st="rel1",
        untreated=True,
        very_early=False,
        post_hsct=True,
        hsct_days=1127,
        m=POS19,
        blasts=30,
        kps=80,
        ecog=1,
        **{**_OK, "gvhd": True},
        gvhd_grade=3,
    ),
    "child_ball_cd19_negative_relapse_after_cart": _p(
        age=9,
        st="rel2",
        untreated=True,
        after_salvage=True,
        cart=True,
        cd19dir=True,
        m={"CD19": "neg", "CD22": "pos"},
        blasts=45,
        lansky=80,
        kps=80,
        **_OK,
    ),
    "young_adult_ball_cd19_positive_relapse_after_cart": _p(
        age=23,
        dx_age=19.3,
        st="rel2",
        untreated=True,
        after_salvage=True,
        cart=True,
        cd19dir=True,
        m=POS19_22,
        blasts=30,
        kps=90,
        ecog=1,
        **_OK,
    ),
    "adult_ball_refractory_relapse_cd19_unknown": _p(
        age=45,
        st="refrel",
        very_early=True,
        after_salvage=True,
        m={},
        blasts=40,
        kps=80,
        ecog=1,
        **_OK,
    ),
    "adult_ball_cd19_negative_after_blinatumomab": _p(
        age=52,
        st="rel2",
        untreated=True,
        after_salvage=True,
        cd19dir=True,
        m={"CD19": "neg", "CD22": "pos"},
        blasts=25,
        kps=80,
        ecog=1,
        **_OK,
    ),
    "child_ball_cns3_very_early_relapse": _p(
        age=5,
        st="rel1",
        untreated=True,
        very_early=True,
        m=POS19,
        blasts=20,
        lansky=80,
        **{**_OK, "cns3": True},
    ),
    "adult_ball_second_relapse_hiv": _p(
        age=38,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19_22,
        blasts=30,
        kps=80,
        ecog=1,
        **{**_OK, "hiv": True},
    ),
    "adolescent_ball_second_relapse_hbv": _p(
        age=17,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19,
        blasts=20,
        kps=90,
        lansky=90,
        **{**_OK, "hbv": True},
    ),
    "child_ball_refractory_relapse_active_infection": _p(
        age=8,
        st="refrel",
        very_early=False,
        after_salvage=True,
        m=POS19,
        blasts=30,
        lansky=70,
        **{**_OK, "inf": True},
    ),
    "adult_ball_refractory_relapse_poor_performance": _p(
        age=58, st="refrel", after_salvage=True, m=POS19_22, blasts=40, kps=40, ecog=3, **_OK
    ),
    "adult_ball_second_relapse_organ_dysfunction": _p(
        age=48,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19,
        blasts=30,
        kps=80,
        ecog=1,
        **{**_OK, "organ": "bad"},
    ),
    "child_tall_refractory_relapse_cd7": _p(
        age=11,
        dis="T-ALL",
        st="refrel",
        after_salvage=True,
        m={"CD7": "pos", "CD19": "neg", "CD5": "pos"},
        blasts=35,
        lansky=80,
        kps=80,
        **_OK,
    ),
    "adult_tall_primary_refractory_cd7": _p(
        age=30,
        dis="T-ALL",
        st="pref",
        m={"CD7": "pos", "CD19": "neg"},
        blasts=50,
        kps=80,
        ecog=1,
        **_OK,
    ),
    "adolescent_tall_first_remission": _p(
        age=15,
        dis="T-ALL",
        st="cr1",
        m={"CD7": "pos", "CD19": "neg"},
        blasts=0,
        mrd=0.00005,
        kps=90,
        lansky=90,
        **_OK,
    ),
    "child_aml_second_relapse_cll1": _p(
        age=10,
        dis="AML",
        st="rel2",
        untreated=True,
        after_salvage=True,
        m={"CLL1": "pos", "CD33": "pos", "CD123": "pos", "CD19": "neg", "CD7": "neg"},
        blasts=30,
        lansky=80,
        kps=80,
        **_OK,
    ),
    "adult_aml_primary_refractory_cd123": _p(
        age=55,
        dis="AML",
        st="pref",
        m={"CD123": "pos", "CD33": "pos", "CD19": "neg"},
        blasts=45,
        kps=80,
        ecog=1,
        **_OK,
    ),
    "young_adult_aml_first_relapse_cd33": _p(
        age=28,
        dis="AML",
        st="rel1",
        untreated=True,
        m={"CD33": "pos", "CD19": "neg"},
        blasts=20,
        kps=90,
        ecog=0,
        **_OK,
    ),
    "adult_all_lineage_unknown_relapse": _p(age=40, dis="ALL", st="rel1", ecog=1),
    "child_ball_minimal_facts": _p(age=8),
    "adult_minimal_facts": _p(age=33, dis=None),
    "infant_ball_very_early_relapse": _p(
        age=1.21,
        st="rel1",
        untreated=True,
        very_early=True,
        infant=True,
        m=POS19,
        blasts=40,
        lansky=70,
        **_OK,
    ),
    "older_adult_ball_refractory_relapse": _p(
        age=72, st="refrel", after_salvage=True, m=POS19_22, blasts=35, kps=80, ecog=1, **_OK
    ),
    "young_adult_ph_positive_second_relapse": _p(
        age=24.3,
        dx_age=21.5,
        st="rel2",
        untreated=True,
        after_salvage=True,
        ph=True,
        tki2=True,
        m=POS19,
        blasts=25,
        kps=90,
        ecog=1,
        **_OK,
    ),
    "adult_ball_second_remission_mrd_negative": _p(
        age=40, st="cr2", m=POS19, blasts=0, mrd=0.0, kps=90, ecog=0, **_OK
    ),
    "adult_ball_refractory_relapse_pregnant": _p(
        age=29,
        dx_age=26.7,
        st="refrel",
        after_salvage=True,
        m=POS19,
        blasts=30,
        kps=80,
        ecog=1,
        **{**_OK, "preg": True},
    ),
    "older_adult_ball_second_relapse_other_malignancy": _p(
        age=62,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19_22,
        blasts=25,
        kps=80,
        ecog=1,
        **{**_OK, "malig": True},
    ),
}
