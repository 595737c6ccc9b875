"""Turn a loaded record, a number and a date into the document model: every ND 30 rule of layout applied here.

``document`` composes every kind (and copies); ``annex`` builds annex tables.
"""

from correspondence.compose.annex import annex_model, build_table, kem_theo_line, standalone
from correspondence.compose.document import Issue, compose, compose_copy, tham_quyen_lines

__all__ = ["Issue", "annex_model", "build_table", "compose", "compose_copy", "kem_theo_line", "standalone",
           "tham_quyen_lines"]
