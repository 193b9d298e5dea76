"""Names from the standards, in one place: mCODE profile URLs, FHIR code systems, and the
Crossroads extensions and code systems.

The Crossroads canonical base ``http://crossroads.example.org/fhir`` is a **placeholder**: the
project has no published implementation guide yet, so the URLs identify our extensions and code
systems without resolving to a page (see docs/interop.md). Which code means which disease or
medicine is knowledge-base data (``kb/data/fhir_maps.yaml``), not a constant here.
"""

from __future__ import annotations

# -- mCODE STU4 profiles (HL7/fhir-mCODE-ig, ecosystem.md §1.2) ---------------------------------
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
CANCER_PATIENT = MCODE + "mcode-cancer-patient"
PRIMARY_CANCER_CONDITION = MCODE + "mcode-primary-cancer-condition"
SECONDARY_CANCER_CONDITION = MCODE + "mcode-secondary-cancer-condition"
CANCER_DISEASE_STATUS = MCODE + "mcode-cancer-disease-status"
ECOG_PERFORMANCE_STATUS = MCODE + "mcode-ecog-performance-status"
MEDICATION_ADMINISTRATION = MCODE + "mcode-cancer-related-medication-administration"
PATIENT_BUNDLE = MCODE + "mcode-patient-bundle"
HISTOLOGY_EXTENSION = MCODE + "mcode-histology-morphology-behavior"

# -- FHIR R4 code systems and core extensions ----------------------------------------------------
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LIST_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
BCP47 = "urn:ietf:bcp:47"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# -- Crossroads (placeholder canonical) ------------------------------------------------------------
BASE = "http://crossroads.example.org/fhir"
_SD = BASE + "/StructureDefinition/"
_CS = BASE + "/CodeSystem/"

CS_DIAGNOSIS = _CS + "diagnosis"  # "lbcl" or "lbcl.dlbcl_nos": the knowledge-base codes
CS_DRUG = _CS + "drug"  # knowledge-base drug codes (lower-case generic names)
CS_PROCEDURE = _CS + "procedure"
CS_CASE_LIST = _CS + "case-list"
# Identifier system for a record number whose issuer Crossroads only knows by a label ("hospital
# MRN"): the label goes in Identifier.type.text, and this says "a record number, issuer unnamed".
SID_RECORD_NUMBER = BASE + "/sid/record-number"

PROC_AUTOLOGOUS = "autologous-transplant"
PROC_ALLOGENEIC = "allogeneic-transplant"
PROC_CELLULAR = "cellular-therapy"
TRANSPLANT_PROCEDURES = {"autologous": PROC_AUTOLOGOUS, "allogeneic": PROC_ALLOGENEIC}

LIST_LINES = "lines"
LIST_TRANSPLANTS = "transplants"
LIST_CELLULAR = "cellular-therapy"

# Extensions for what the case record holds and no standard element carries.
EXT_AGE_YEARS = _SD + "age-years"  # valueInteger; Patient
EXT_ASSESSMENT_DATE = _SD + "assessment-date"  # valueDate; Patient
EXT_TRANSPLANT_ELIGIBLE = _SD + "transplant-eligible"  # valueBoolean; Patient
EXT_INELIGIBLE_REASON = _SD + "transplant-ineligible-reason"  # valueCode, repeats; Patient
EXT_ACTIVE_INFECTION = _SD + "active-infection"  # valueBoolean; Patient
EXT_ORGAN_DYSFUNCTION = _SD + "organ-dysfunction"  # valueCode, repeats; Patient
EXT_CNS_INVOLVEMENT = _SD + "cns-involvement"  # valueBoolean; Condition
EXT_TARGET_ANTIGEN = _SD + "target-antigen"  # complex antigen + result; Condition
EXT_RELAPSE_NUMBER = _SD + "relapse-number"  # valueInteger; Condition
EXT_RAPID_PROGRESSION = _SD + "rapid-progression"  # valueBoolean; Condition
EXT_DISEASE_STATE = _SD + "disease-state"  # valueCode; Condition (when clinicalStatus is vague)
EXT_TREATMENT_LINE = _SD + "treatment-line"  # complex; MedicationAdministration
EXT_CAR_TARGET = _SD + "car-target"  # valueCode; Procedure (cellular therapy)
EXT_CASE_DATA = _SD + "case-data"  # complex path + json: any other case field, as JSON

CROSSROADS_EXTENSIONS = frozenset(
    {
        EXT_AGE_YEARS,
        EXT_ASSESSMENT_DATE,
        EXT_TRANSPLANT_ELIGIBLE,
        EXT_INELIGIBLE_REASON,
        EXT_ACTIVE_INFECTION,
        EXT_ORGAN_DYSFUNCTION,
        EXT_CNS_INVOLVEMENT,
        EXT_TARGET_ANTIGEN,
        EXT_RELAPSE_NUMBER,
        EXT_RAPID_PROGRESSION,
        EXT_DISEASE_STATE,
        EXT_TREATMENT_LINE,
        EXT_CAR_TARGET,
        EXT_CASE_DATA,
    }
)
