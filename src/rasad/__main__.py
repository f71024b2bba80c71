"""``python -m rasad`` runs the command line."""

from rasad.cli import main

main()
