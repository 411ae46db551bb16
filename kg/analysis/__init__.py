"""Network views of the viewer's dataset: interoperability network, recommender, levels."""

from __future__ import annotations

from kg.analysis.levels import Level, interoperability_level, levels
from kg.analysis.model import Interface, Model, load_model
from kg.analysis.network import NetworkFindings, analyse, partner_network
from kg.analysis.recommend import Adoption, gaps, recommend

__all__ = [
    "Adoption",
    "Interface",
    "Level",
    "Model",
    "NetworkFindings",
    "analyse",
    "gaps",
    "interoperability_level",
    "levels",
    "load_model",
    "partner_network",
    "recommend",
]
