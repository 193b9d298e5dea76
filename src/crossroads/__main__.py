"""``python -m crossroads`` runs the command line."""

from crossroads.cli.app import main

main()
