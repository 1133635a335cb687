"""CAR-T candidacy assessment: disease state, label fit, level, cautions, explained and sourced."""

from cartnav.assessment.engine import assess
from cartnav.assessment.model import Assessment, Caution, Finding, ProductFit
from cartnav.assessment.profile_io import load_profile_file
from cartnav.assessment.regions import REGIONS, choose_region

__all__ = [
    "REGIONS",
    "Assessment",
    "Caution",
    "Finding",
    "ProductFit",
    "assess",
    "choose_region",
    "load_profile_file",
]
