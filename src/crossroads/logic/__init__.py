"""The criteria language (three-valued rules) and the facts derived from a case."""
