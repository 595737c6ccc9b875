"""Turn files and tables into located data: YAML/JSON records, CSV/XLSX/YAML tables, every value with its line."""

from correspondence.records.loader import Located, load_data, parse_text
from correspondence.records.tables import Row, read_cells, read_rows

__all__ = ["Located", "Row", "load_data", "parse_text", "read_cells", "read_rows"]
