"""Standards at the edge: FHIR R4/mCODE, ClinicalTrials.gov, CDS Hooks."""
