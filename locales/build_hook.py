"""Turn the gettext catalogues (.po) into compiled .mo files inside the wheel."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    PLUGIN_NAME = "custom"
    compiled: Path | None = None  # the folder of the compiled catalogues, until the wheel holds them

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "locales"
        out = self.compiled = Path(tempfile.mkdtemp(prefix="correspondence-mo-"))
        for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parts[-3])
            target = out / po.relative_to(root).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            dest = "correspondence/_data/locales/" + po.relative_to(root).with_suffix(".mo").as_posix()
            build_data["force_include"][str(target)] = dest

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.compiled is not None:
            shutil.rmtree(self.compiled, ignore_errors=True)
            self.compiled = None
