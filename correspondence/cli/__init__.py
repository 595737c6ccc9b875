"""Turn command-line arguments into calls of ``correspondence.api`` and print what they return: one module per
command group (``documents``, ``register``, ``incoming``, ``archive``, ``search``, ``office``), the root group and its
one error handler (``root``), the shared options (``options``) and printing (``printing``).

Nothing heavy is imported here: ``correspondence --help`` must stay fast. The project beyond the foundations is
imported inside the commands, and only through ``correspondence.api``.
"""

import os

from correspondence.click_messages import localize_types
from correspondence.errors import ExitStatus
from correspondence.i18n import set_language, translate_click

translate_click(set_language(None))
localize_types()
# The records' schema is pydantic's, for the tool's own use: no pydantic plugin of the machine observes it, and none is
# looked for among the installed packages (about 10 ms of every command). PYDANTIC_DISABLE_PLUGINS set, even empty,
# is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# Each module adds its commands to ``main`` as it is imported.
from correspondence.cli import archive, documents, exchange, incoming, lint, office, register, search, signing  # noqa: E402, F401
from correspondence.cli.root import main  # noqa: E402

__all__ = ["ExitStatus", "main"]
