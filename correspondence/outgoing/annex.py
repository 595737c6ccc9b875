"""Turn a table and its spec into the annex of a document already in the register, numbered and dated from it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from correspondence import model as m
from correspondence import storage
from correspondence.compose import annex_model, build_table, kem_theo_line, standalone
from correspondence.compose.document import issuer_name
from correspondence.errors import RegisterConflict
from correspondence.i18n import _
from correspondence.kinds import BY_CODE
from correspondence.numbers import file_stem
from correspondence.outgoing.transaction import complete
from correspondence.records import read_rows
from correspondence.register.queries import find_entry
from correspondence.register.store import FAILED
from correspondence.registers import open_register
from correspondence.render import FORMATS, render_document
from correspondence.validate import load_spec
from correspondence.validate.schema import CoQuan
from correspondence.workspace import output_folder, shown


def annex(workspace: Path, so_ky_hieu: str, table: Path, spec_path: Path, title: str | None = None,
          agency: str | None = None, year: int | None = None, register_url: str | None = None,
          formats: tuple[str, ...] = FORMATS, series: str | None = None, dien_tu: bool = False) -> list[Path]:
    """The annex of a document already in the register: its number and date come from the register — or, for an
    electronic annex in a file of its own (``dien_tu``, Mẫu 2.2), are left blank for the agency's signature to carry.
    A document whose files an interruption left unwritten is completed first."""
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
        if entry.status == FAILED:
            raise RegisterConflict(_("{number}: its files could not be made ({reason}): void it and issue it again")
                                   .format(number=entry.so_ky_hieu, reason=entry.failure))
        spec = load_spec(str(spec_path), Path.cwd(), shown(spec_path))
        rows = read_rows(str(table), Path.cwd(), lambda j: f"{shown(table)}:{j + 2}")
        if entry.pending:
            if not register.lease_released(entry.lease, entry.issued_at):
                raise RegisterConflict(_("{number} is being issued right now: try again in a moment").format(
                    number=entry.so_ky_hieu))
            complete(register, entry, workspace, formats, action="repaired")
            entry = register.get(entry.id)
        built, wide = build_table(spec, rows)
        del rows  # the table holds what is printed: the rows as read are not kept while it is laid out
        kind = BY_CODE.get(entry.kind)
        profile = CoQuan.model_validate(json.loads(entry.agency_json)["profile"]) if entry.agency_json else None
        agency_name = (issuer_name(profile, kind) if profile and kind else profile.ten_trong_cau if profile else agency)
        parent = kind.ten if kind is not None else "Văn bản"
        kem_theo = (kem_theo_line(parent, None, None, agency_name) if dien_tu else
                    kem_theo_line(parent, entry.so_ky_hieu, dt.date.fromisoformat(entry.ngay), agency_name))
        stem = file_stem(entry.so_ky_hieu) + "-phu-luc"
        heading_title = title or spec.tieu_de or "Danh mục"
        model = annex_model("Phụ lục", heading_title, kem_theo, built, wide, True, stem, None)
        metadata = m.Metadata(title=f"Phụ lục kèm theo {parent} số {entry.so_ky_hieu}", subject=heading_title,
                              author=agency_name, created=dt.datetime.fromisoformat(entry.ngay),
                              identifier=f"{entry.so_ky_hieu} {entry.ngay} phu-luc")
        rendered = render_document(standalone(model, metadata), formats, workspace)
        written = storage.store(rendered, output_folder(workspace, entry.agency, entry.year), workspace)
        files = {f["path"]: f for f in entry.files}
        files.update({f["path"]: f for f in written})
        register.complete(entry.id, list(files.values()), action="annex")
    return [workspace / f["path"] for f in written]


__all__ = ["annex"]
