"""`python -m cdp` runs the command line."""

from cdp.cli import main

main()
