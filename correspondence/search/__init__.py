"""Turn the clerk's words into the issued and received documents that hold them, best first (``query``)."""

from correspondence.search.query import Hit, search, terms_of

__all__ = ["Hit", "search", "terms_of"]
