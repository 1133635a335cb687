"""Knowledge base: approved CAR-T products, label indications, outcomes and prices (YAML data)."""

from cartnav.knowledge.loader import KnowledgeBase, agencies_for_region, load_knowledge

__all__ = ["KnowledgeBase", "agencies_for_region", "load_knowledge"]
