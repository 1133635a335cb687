"""cartnav: a CAR-T therapy navigator (decision support, never a diagnosis)."""

__version__ = "0.1.0"
