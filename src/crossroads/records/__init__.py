"""Records from documents: intake checks, text, and proposals for the case record."""
