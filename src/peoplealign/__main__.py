"""`python -m peoplealign` runs the CLI."""

from peoplealign.cli.app import main

main()
