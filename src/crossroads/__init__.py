"""Crossroads: organise a relapsed blood-cancer case and explain where CAR-T stands.

The public API is small on purpose (a test checks it): load a case, load the knowledge base,
classify, and turn the result into data.
"""

from crossroads.assess import assess_file, parse_jurisdictions, prepare_case
from crossroads.case import Case
from crossroads.classify import Classification, classify
from crossroads.codes import check_codes
from crossroads.errors import CrossroadsError, UserError
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.load import case_from_data, load_case
from crossroads.render.data import assessment_data

__all__ = [
    "Case",
    "Classification",
    "CrossroadsError",
    "KnowledgeBase",
    "UserError",
    "assess_file",
    "assessment_data",
    "case_from_data",
    "check_codes",
    "classify",
    "load_case",
    "load_kb",
    "parse_jurisdictions",
    "prepare_case",
]
__version__ = "0.1.0"
