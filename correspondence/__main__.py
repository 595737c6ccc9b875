"""Turn ``python -m correspondence`` into the command-line interface."""

from correspondence.cli import main

main()
