"""Hand-read facts of the 12 held-out profiles (``heldout/profiles/*.json``).

Same keys as ``facts.py`` (read each profile JSON by hand, not through a cartnav parser), plus
three that only the held-out set uses; every rule reads them with a default, so the original
36 profiles are judged exactly as before:

- ``cns2``: CNS status 2 (``cns3`` is then False)
- ``m`` values may be ``dim`` (expressed at low density: ambiguous against a stated threshold)
- ``organ`` may be ``partial``: ``bili_x_uln`` / ``creat_x_uln`` given, every other value normal
- ``dis`` may be ``B-LBL`` (B-lymphoblastic lymphoma)

The held-out set was written after the matcher had been tuned on the original set, and the
matcher's author has not seen it: it measures how the matcher does on new combinations.
"""

from __future__ import annotations

from typing import Any

from facts import _OK, POS19, POS19_22, _p

FACTS_HELDOUT: dict[str, dict[str, Any]] = {
    "toddler_ball_refractory_relapse_cns2": _p(
        age=2.4,
        dx_age=1.5,
        st="refrel",
        very_early=True,
        after_salvage=True,
        m=POS19_22,
        blasts=35,
        lansky=80,
        **_OK,
        cns2=True,
    ),
    "adolescent_ph_positive_second_relapse_two_tkis": _p(
        age=17,
        dx_age=14.7,
        st="rel2",
        untreated=True,
        after_salvage=True,
        ph=True,
        tki2=True,
        m=POS19,
        blasts=25,
        kps=90,
        lansky=90,
        **_OK,
    ),
    "young_adult_ball_first_relapse_on_therapy_cd19_dim": _p(
        age=24,
        dx_age=22.6,
        st="rel1",
        untreated=True,
        very_early=True,
        m={"CD19": "dim", "CD22": "pos"},
        blasts=30,
        kps=90,
        ecog=1,
        **_OK,
    ),
    "adult_ball_relapse_four_months_post_hsct_gvhd1": _p(
        age=30,
        dx_age=28.8,
        st="rel1",
        untreated=True,
        very_early=True,
        post_hsct=True,
        hsct_days=123,
        m=POS19,
        blasts=20,
        kps=80,
        ecog=1,
        **_OK,
        gvhd_grade=1,
    ),
    "adult_ball_primary_refractory_hbv": _p(
        age=45,
        st="pref",
        m=POS19_22,
        blasts=40,
        kps=80,
        ecog=1,
        **{**_OK, "hbv": True},
    ),
    "older_adult_ball_second_relapse_ecog3": _p(
        age=60,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19_22,
        blasts=30,
        kps=40,
        ecog=3,
        **_OK,
    ),
    "child_tall_primary_refractory_cd7": _p(
        age=5,
        dis="T-ALL",
        st="pref",
        m={"CD7": "pos", "CD19": "neg"},
        blasts=40,
        lansky=70,
        **_OK,
    ),
    "child_aml_first_relapse_cd33": _p(
        age=12,
        dis="AML",
        st="rel1",
        untreated=True,
        very_early=True,
        m={"CD33": "pos", "CD19": "neg"},
        blasts=25,
        lansky=90,
        kps=90,
        **_OK,
    ),
    "young_adult_ball_cd19_negative_relapse_after_tisagenlecleucel": _p(
        age=19,
        dx_age=14.3,
        st="rel2",
        untreated=True,
        after_salvage=True,
        cart=True,
        cd19dir=True,
        m={"CD19": "neg", "CD22": "pos"},
        blasts=35,
        kps=80,
        ecog=1,
        **_OK,
    ),
    "child_ball_second_relapse_high_bilirubin": _p(
        age=10,
        st="rel2",
        untreated=True,
        after_salvage=True,
        m=POS19_22,
        blasts=30,
        lansky=80,
        kps=80,
        **{**_OK, "organ": "partial"},
        bili_x_uln=2.5,
        creat_x_uln=1.2,
    ),
    "young_adult_ball_second_remission_mrd_positive": _p(
        age=26,
        dx_age=23.1,
        st="cr2",
        m=POS19,
        blasts=0,
        mrd=0.002,
        kps=90,
        ecog=0,
        **_OK,
    ),
    "child_blbl_first_relapse": _p(
        age=8,
        dis="B-LBL",
        st="rel1",
        untreated=True,
        very_early=False,
        m=POS19_22,
        blasts=2,
        lansky=90,
        **_OK,
    ),
}
