"""The Typer command line: the app, its command areas and the interactive interview."""
