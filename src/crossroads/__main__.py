"""``python -m crossroads`` runs the command line."""

from crossroads.cli import main

main()
