"""The coordinator worklist: a screening results file, read as who to call and what to ask for.

A coordinator uploads the results file ``crossroads screen`` writes (Parquet: per patient and
jurisdiction the category, on-label products and missing facts). The worklist shows, per place,
who is on label now and who is one fact away, grouped by the fact to ask for, and opens a case
from a row through the FHIR import page. The file is identifiable data: it is kept in a private
folder (0600), only its uploader sees it, and audit events hold counts, never patient ids.
"""
