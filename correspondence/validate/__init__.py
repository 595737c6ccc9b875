"""Turn located data and an agency profile into a ``Loaded`` record, or every problem with it.

The schema (``schema``), the localized pydantic problems (``problems``), the ND 30 rules that refuse a
record (``rules``), the body's markup and template (``markup``, ``body``) and loading (``loading``).
"""

from correspondence.validate.body import Body, render_body
from correspondence.validate.loading import (
    COPIES,
    Annex,
    Loaded,
    load,
    load_agency,
    load_row,
    load_spec,
    load_stored,
    merge_row,
    self_contained,
)
from correspondence.validate.problems import validate

__all__ = ["COPIES", "Annex", "Body", "Loaded", "load", "load_agency", "load_row", "load_spec", "load_stored",
           "merge_row", "render_body", "self_contained", "validate"]
