"""Which FHIR patient ids belong to which case.

A CDS Hooks card links to ``/cds/patients/<patientId>``: the id the health record system uses.
That id is remembered here when a case is imported from a Bundle (the Patient's own id) or
exported as one (the id Crossroads gave it), not inside the case record: the record then stays
exactly what the person entered, and a Bundle still reads back to the same record.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cases.models import CaseRecord


class LinkOrigin(models.TextChoices):
    IMPORT = "import", "import"
    EXPORT = "export", "export"


class FhirPatientLink(models.Model):
    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="fhir_links")
    patient_id = models.CharField(max_length=64, db_index=True)  # FHIR ids: 1 to 64 characters
    origin = models.CharField(max_length=10, choices=LinkOrigin.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=("case", "patient_id"), name="one_link_per_patient_id"),
        )

    def __str__(self) -> str:
        return f"case {self.case_id} <- Patient/{self.patient_id} ({self.origin})"
