"""FHIR R4 export and import of case records, with mCODE profiles where they fit.

Standards at the edge: this package is the only part of Crossroads that knows FHIR (and the only
one that imports ``fhir.resources``); the rest of the code speaks in case-record terms.
"""

from crossroads.interop.fhir.export import export_case
from crossroads.interop.fhir.importer import (
    ImportResult,
    as_bundle,
    import_bundle,
    import_resources,
    read_fhir_file,
)
from crossroads.interop.fhir.notes import ImportNote, ResourceReport
from crossroads.interop.fhir.validate import Issue, validate_bundle

__all__ = [
    "ImportNote",
    "ImportResult",
    "Issue",
    "ResourceReport",
    "as_bundle",
    "export_case",
    "import_bundle",
    "import_resources",
    "read_fhir_file",
    "validate_bundle",
]
