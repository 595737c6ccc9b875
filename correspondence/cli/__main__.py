"""Turn ``python -m correspondence.cli`` into the command line, as ``python -m correspondence`` does."""

from correspondence.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
