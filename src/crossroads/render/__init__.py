"""Renderers: the same results as plain data (JSON), Rich text, or Markdown."""
