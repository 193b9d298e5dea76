"""The coordinator worklist: a screening results file, read as who to call and what to ask for.

A coordinator uploads the results file ``crossroads screen`` writes (Parquet: per patient and
jurisdiction the category, on-label products and missing facts), optionally with the Bulk NDJSON
the screening read. The worklist shows, per place, who is on label now and who is one fact away,
grouped by the fact to ask for; one click on a row opens that person's case, made from their
records through the FHIR import path (:mod:`.sources` says why the records come this way).
Both files are identifiable data: kept in a private folder (0600), only their uploader sees
them, and audit events hold counts, never patient ids.
"""
