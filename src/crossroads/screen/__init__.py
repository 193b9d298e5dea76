"""Population screening: the knowledge-base criteria over a whole registry at once.

A registry holds thousands to millions of records; the Python engine weighs one case at a time.
Here each patient's derived facts become one row of a table (:mod:`.columns`), the criteria are
compiled into one SQL query over that table (:mod:`.compile`) and run on an embedded engine
(:mod:`.run`), giving per patient and jurisdiction the same category, on-label products and
missing facts as :func:`crossroads.engine.classify.classify` (:mod:`.reference` is that engine
in the same shape, for the differential tests). Inputs are FHIR Bulk Data NDJSON, a folder of
case files, or Parquet of derived facts (:mod:`.sources`); :mod:`.synth` writes synthetic cohorts.

Layer: above ``interop`` (it reads FHIR through the product's own importer) and below ``render``
and ``cli``, which show and start it.
"""
