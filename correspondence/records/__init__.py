"""Turn record files (YAML, JSON) into plain data with the source line of every value."""

from correspondence.records.loader import Located, load_data, parse_text

__all__ = ["Located", "load_data", "parse_text"]
