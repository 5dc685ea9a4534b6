"""``python -m drafter``: the command line."""

from .cli import main

main()
