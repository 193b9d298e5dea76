"""Interoperability in the web app: the CDS Hooks service, FHIR export and import, trial search.

The core (``crossroads.interop.cdshooks``, ``crossroads.interop.fhir``,
``crossroads.interop.trials``) does the work; this app only checks permission, reads requests,
writes audit events through
:mod:`interop.actions`, and renders:

- ``GET /cds-services`` and ``POST /cds-services/<id>`` (:mod:`interop.cds`): the CDS Hooks
  discovery document and the ``patient-view`` service, public by design (see the module);
- ``/cds/patients/<patientId>``: where a card's link lands (the case, for someone allowed to
  see it; otherwise a page that says nothing about whether the patient exists);
- ``/cases/<id>/fhir.json``: the case as a FHIR Bundle; ``/cases/import/fhir/``: a new case from
  a pasted Bundle, saved only after the person has read what could not be carried over;
- ``/cases/<id>/trials/``: trial studies with each criterion explained.
"""
