"""`python -m lanthanide` runs the CLI."""

from lanthanide.cli.app import main

main()
