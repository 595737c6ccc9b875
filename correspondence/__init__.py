"""correspondence: Vietnamese official documents (ND 30/2020) from records, numbered and archived."""

__version__ = "0.1.0"
