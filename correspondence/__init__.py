"""Turn records into Vietnamese official documents (ND 30/2020): validated, numbered, rendered and archived."""

__version__ = "0.1.0"
