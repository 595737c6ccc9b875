"""Turn records into issued, archived documents: the one place that checks, numbers, renders, writes, completes and
recovers.

``documents`` composes with the register's help (the quyết định a document is issued with, the
original of a copy); ``transaction`` issues; ``merge`` issues a table of rows; ``annex`` adds the
annex of an issued document; ``registry`` answers the register commands.
"""

from correspondence.issue.transaction import Issued, complete, issue, recover

__all__ = ["Issued", "complete", "issue", "recover"]
