"""The case record: its model, loading from YAML/JSON, the commented template."""
