"""Turn hồ sơ into hand-over packages for the agency archive, and check a package anywhere, without the register.

A package is a folder (or the same tree in a .zip) named ``goi-…``::

    <package>/manifest-sha256.txt            every file below with its SHA-256 ("<hash>  <path>", sorted)
    <package>/manifest-sha256.txt.sha256     the SHA-256 of the manifest itself
    <package>/<OBJID>/METS.xml, representations/rep1/METS.xml   their files with MIME type, size, SHA-256 (CSIP)
    <package>/<OBJID>/metadata/descriptive/EAD.xml, ho-so.json
    <package>/<OBJID>/representations/rep1/data/<docCode>.pdf                 the PDF/A originals, in date order
    <package>/<OBJID>/representations/rep1/metadata/descriptive/EAD_DOC_<docCode>.xml, .json

one ``<OBJID>`` (``uuid-…``, stable for a hồ sơ) per hồ sơ. The layout and element names follow the TT 05/2025
SIP as far as it could be read (marked UNVERIFIED in docs/luu-tru.md); each XML file has a JSON twin with the same
values."""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from correspondence import storage
from correspondence.archive import hoso
from correspondence.errors import Problem, RegisterConflict, UsageError
from correspondence.i18n import _
from correspondence.kinds import BY_CODE
from correspondence.progress import notice
from correspondence.register.store import OPEN, VOIDED, Entry, HoSo, Incoming
from correspondence.registers import find_ho_so, open_register
from correspondence.validate import load_agency
from correspondence.vietnamese import ngay_so
from correspondence.workspace import agency_profile, find_root

MANIFEST = "manifest-sha256.txt"
SEAL = MANIFEST + ".sha256"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member of a .zip package: the same bytes for the same content
# The agency's identifier in fileCode and docCode when its profile gives no mã định danh: plainly not a code (it
# cannot match one), so that an archive refuses the package rather than file it under a made-up agency.
NO_CODE = "CHUA-CO-MA"
_BY_ABBREVIATION = {kind.viet_tat: kind.ten for kind in BY_CODE.values() if kind.viet_tat}


@dataclass
class Checked:
    """What ``package check`` found: files listed, and every one missing, extra or changed."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)


def _object_id(agency: str, h: HoSo) -> str:
    return "uuid-" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"correspondence:{agency}:{h.nam}:{h.ky_hieu}")).upper()


def _file_code(organ: str, h: HoSo) -> str:
    return f"{organ}.{h.nam}.{h.ky_hieu}"


def _xml(root: str, values: dict[str, object]) -> bytes:
    element = ET.Element(root)
    for key, value in values.items():
        ET.SubElement(element, key).text = "" if value is None else str(value)
    ET.indent(element)
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=True)) + b"\n"


def _json(values: dict[str, object]) -> bytes:
    return json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def _kind_of_notation(notation: str) -> str | None:
    """The kind a received document's ký hiệu names (ND 30 PL I §II.3): ``QĐ-STP`` a Quyết định; a công văn's
    ký hiệu starts with its agency (``SNV-VP``); no ký hiệu, no kind told."""
    if not notation:
        return None
    return _BY_ABBREVIATION.get(notation.split("-", 1)[0].strip(), "Công văn")


def _received(code: str, ordinal: int, item: Incoming, h: HoSo, pages: int) -> dict[str, object]:
    """A received document's metadata (EAD_doc): its sender is its author."""
    number, _sep, notation = (item.so_ky_hieu or "").partition("/")
    return {
        "docId": f"{code}.{ordinal:07d}", "docCode": f"{code}.{ordinal:07d}",
        "maintenance": hoso.RETENTION_CODES.get(h.thoi_han, "07"), "typeName": _kind_of_notation(notation),
        "codeNumber": number or None, "codeNotation": notation or None,
        "issuedDate": ngay_so(item.ngay_van_ban or item.ngay_den), "organName": item.tac_gia, "subject": item.trich_yeu,
        "language": "01", "numberOfPage": pages, "inforSign": None, "keyword": None,
        "mode": "03" if item.do_mat else "01", "confidenceLevel": "01", "autograph": None, "format": "01",
        "process": 0, "riskRecovery": 0, "riskRecoveryStatus": None, "description": item.ghi_chu,
        "arrivalNumber": item.number, "arrivalDate": ngay_so(item.ngay_den),
    }


def _document(code: str, ordinal: int, entry: Entry, h: HoSo, organ_name: str, pages: int) -> dict[str, object]:
    """A document's metadata as the TT 05 SIP names it (EAD_doc)."""
    fields = json.loads(entry.record_json or "{}")
    number, _sep, notation = entry.so_ky_hieu.partition("/")
    return {
        "docId": f"{code}.{ordinal:07d}", "docCode": f"{code}.{ordinal:07d}",
        "maintenance": hoso.RETENTION_CODES.get(h.thoi_han, "07"), "typeName": _kind_name(entry),
        "codeNumber": number, "codeNotation": notation, "issuedDate": ngay_so(entry.ngay), "organName": organ_name,
        "subject": fields.get("trich_yeu") or entry.ten_loai_trich_yeu, "language": "01", "numberOfPage": pages,
        "inforSign": None, "keyword": None, "mode": "03" if fields.get("do_mat") else "01", "confidenceLevel": "01",
        "autograph": entry.nguoi_ky, "format": "01", "process": 0, "riskRecovery": 0, "riskRecoveryStatus": None,
        "description": entry.ghi_chu,
    }


def _kind_name(entry: Entry) -> str:
    """The name of an issued document's kind (Công văn, Quyết định, Bản sao y …), never a word of its trích yếu."""
    kind = BY_CODE.get(entry.kind)
    return kind.ten if kind is not None else entry.ten_loai_trich_yeu.split(" V/v ")[0]


def _original_of(entry: Entry) -> list[dict[str, str]]:
    """The issued document's original as the package carries it: the PDF the agency signed (the electronic
    original, ND 30 Art. 3.8) if any, else the one its signer signed, else the PDF as issued (an annex in a file of
    its own, and its signed file, are not the document)."""
    pdfs = [item for item in entry.files if item["path"].endswith(".pdf") and "phu_luc" not in item
            and not ANNEX.search(item["path"])]
    for role in ("co_quan", "nguoi_ky"):
        signed = [item for item in pdfs if item.get("ky") == role]
        if signed:
            return signed
    return [item for item in pdfs if "ky" not in item]


ANNEX = re.compile(r"-phu-luc(-[IVXLCDM]+)?\.pdf$")


def pdfa_problems(data: bytes) -> list[str]:
    """What keeps a PDF from being a PDF/A-3b, as far as its structure shows (checked again on a signed original:
    a signature is an incremental revision, which must keep the identification, the output intent, embedded fonts
    in what is drawn, and print its widgets)."""
    import io

    import pikepdf

    problems = []
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        return [_("not a readable PDF: {error}").format(error=error)]
    with pdf:
        if pdf.is_encrypted:
            problems.append(_("encrypted"))
        meta = pdf.open_metadata()
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("3", "B"):
            problems.append(_("no PDF/A-3b identification in its XMP metadata"))
        intents = pdf.Root.get("/OutputIntents")
        if not intents or intents[0].get("/S") != "/GTS_PDFA1":
            problems.append(_("no PDF/A output intent"))
        if pdf.pdf_version > "1.7":
            problems.append(_("PDF version {version}: PDF/A-3 is PDF 1.7").format(version=pdf.pdf_version))
        for number, page in enumerate(pdf.pages, 1):
            drawn = [page.get("/Resources")]
            for annot in page.get("/Annots") or []:
                if annot.get("/Subtype") != "/Widget":
                    continue
                shown: Any = annot.get("/AP")
                appearance = shown.get("/N") if shown is not None else None
                if annot.get("/Rect") is not None and appearance is not None and not int(annot.get("/F", 0)) & 4:
                    problems.append(_("page {page}: a signature widget is not printed").format(page=number))
                if appearance is not None:
                    drawn.append(appearance.get("/Resources"))
            for font in _fonts(drawn):
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(_("page {page}: a font is not embedded").format(page=number))
    return problems


def _fonts(resources: list[Any], depth: int = 0) -> list[Any]:
    """The fonts of ``resources`` and of the forms they draw (a signature's appearance imports its text as a form)."""
    found = []
    for each in resources:
        if each is None or depth > 4:
            continue
        found += list((each.get("/Font") or {}).values())
        for xobject in (each.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                found += _fonts([xobject.get("/Resources")], depth + 1)
    return found


def _day(item: Entry | Incoming) -> str:
    return (item.ngay_van_ban or item.ngay_den) if isinstance(item, Incoming) else item.ngay


def _files_of(root: Path, agency: str, h: HoSo, organ: tuple[str, str],
              filed: list[tuple[int, Entry | Incoming]]) -> dict[str, bytes]:
    """The files of one hồ sơ in the package, by their path inside it; ``organ``: the agency's identifier (its mã
    định danh, else its id here) and name. Issued documents travel as their PDF/A; received ones as they came."""
    base = _object_id(agency, h)
    code = _file_code(organ[0], h)
    documents = sorted((e for _n, e in filed if e.status != VOIDED), key=lambda e: (_day(e), e.number))
    out: dict[str, bytes] = {}
    pages_total = 0
    for ordinal, entry in enumerate(documents, 1):
        name_of = f"số đến {entry.number}" if isinstance(entry, Incoming) else entry.so_ky_hieu
        kept = entry.files if isinstance(entry, Incoming) else _original_of(entry)
        if not kept:
            raise RegisterConflict(_("{number} has no PDF original: it cannot be handed over").format(number=name_of))
        data = (root / kept[0]["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != kept[0]["sha256"]:
            raise RegisterConflict(_("{number}: the file changed since issue: {path}").format(
                number=name_of, path=kept[0]["path"]), [Problem(kept[0]["path"], "", _(
                    "restore it from a backup; run 'correspondence register verify'"))])
        if "ky" in kept[0]:  # a signed original: still a PDF/A-3b after its signatures' revisions
            lost = pdfa_problems(data)
            if lost:
                raise RegisterConflict(_("{number}: the signed PDF is no longer PDF/A-3b: {path}").format(
                    number=name_of, path=kept[0]["path"]), [Problem(kept[0]["path"], "", problem) for problem in lost])
        pages = hoso.pages(root / kept[0]["path"]) if kept[0]["path"].endswith(".pdf") else 0
        pages_total += pages
        values = (_received(code, ordinal, entry, h, pages) if isinstance(entry, Incoming)
                  else _document(code, ordinal, entry, h, organ[1], pages))
        name = str(values["docCode"])
        folder = f"{base}/representations/rep1"
        out[f"{folder}/data/{name}{Path(kept[0]['path']).suffix}"] = data
        out[f"{folder}/metadata/descriptive/EAD_DOC_{name}.xml"] = _xml("EAD_doc", values)
        out[f"{folder}/metadata/descriptive/EAD_DOC_{name}.json"] = _json(values)
    dates = [_day(e)[:10] for e in documents]
    values = {
        "fileCode": code, "title": h.tieu_de, "maintenance": hoso.RETENTION_CODES.get(h.thoi_han, "07"),
        "maintenanceText": hoso.retention_text(h.thoi_han), "mode": "01", "language": "01",
        "startDate": ngay_so(min(dates)) if dates else None, "endDate": ngay_so(max(dates)) if dates else None,
        "totalDoc": len(documents), "numberOfPage": pages_total, "creator": h.nguoi_lap or h.don_vi,
        "status": "đóng" if h.status == "dong" else "mở", "riskRecovery": 0, "description": None,
    }
    out[f"{base}/metadata/descriptive/EAD.xml"] = _xml("simpledc", values)
    out[f"{base}/metadata/descriptive/ho-so.json"] = _json(values)
    created = (h.dong_luc or h.mo_luc)
    representation = f"{base}/representations/rep1/"
    out[f"{representation}METS.xml"] = _mets(f"{base}-REP1", "Representation", created,
                                             {p[len(representation):]: d for p, d in out.items()
                                              if p.startswith(representation)})
    out[f"{base}/METS.xml"] = _mets(base, "Mixed", created, {p[len(base) + 1:]: d for p, d in out.items()})
    return out


METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
MIME = {".pdf": "application/pdf", ".xml": "application/xml", ".json": "application/json"}


def _mets(object_id: str, kind: str, created: str, files: dict[str, bytes]) -> bytes:
    """A METS file (E-ARK CSIP profile, as the TT 05 SIP uses it): the package's files with their MIME type, size and
    SHA-256 (upper-case hex); dated by the hồ sơ, so the same hồ sơ gives the same bytes."""
    ET.register_namespace("", METS)
    ET.register_namespace("csip", CSIP)
    ET.register_namespace("xlink", XLINK)
    root = ET.Element(f"{{{METS}}}mets", {"OBJID": object_id, "TYPE": kind, f"{{{CSIP}}}OAISPACKAGETYPE": "SIP",
                                           "PROFILE": "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"})
    ET.SubElement(root, f"{{{METS}}}metsHdr", {"CREATEDATE": created, "RECORDSTATUS": "NEW"})
    group = ET.SubElement(ET.SubElement(root, f"{{{METS}}}fileSec"), f"{{{METS}}}fileGrp", {"USE": "Package"})
    for number, (path, data) in enumerate(sorted(files.items()), 1):
        item = ET.SubElement(group, f"{{{METS}}}file", {
            "ID": f"file-{number:05d}", "MIMETYPE": MIME.get(Path(path).suffix, "application/octet-stream"),
            "SIZE": str(len(data)), "CHECKSUM": hashlib.sha256(data).hexdigest().upper(), "CHECKSUMTYPE": "SHA-256"})
        ET.SubElement(item, f"{{{METS}}}FLocat", {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple",
                                                    f"{{{XLINK}}}href": path})
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _sealed(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files.items()))
    body = manifest.encode("utf-8")
    return {**{f"{name}/{p}": d for p, d in files.items()}, f"{name}/{MANIFEST}": body,
            f"{name}/{SEAL}": f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode()}


def export(workspace: Path | None, out: Path, ky_hieu: str | None = None, nam: int | None = None,
           agency: str | None = None, register_url: str | None = None) -> tuple[Path, int, int]:
    """Write the package of one hồ sơ (``ky_hieu``) or of every hồ sơ of ``nam``: a folder, or a .zip when ``out``
    ends so; never over something that exists. The path, the hồ sơ and the documents it holds."""
    root = workspace if workspace is not None else find_root()
    if ky_hieu is None and nam is None:
        raise UsageError(_("say which hồ sơ, or --nam for every hồ sơ of a year"))
    storage.refuse_archived(out, root)
    if out.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=out))
    register, agency = open_register(root, agency, register_url)
    with register:
        chosen = [find_ho_so(register, agency, ky_hieu, nam)] if ky_hieu is not None else register.ho_so_list(agency, nam)
        if not chosen:
            raise RegisterConflict(_("no hồ sơ in {year}").format(year=nam))
        profile = _profile(root, agency, json.loads(next((e.agency_json for h in chosen for _n, e in
                                                          register.ho_so_documents(h) if e.agency_json), "{}") or "{}"))
        organ = profile.get("ma_dinh_danh") or NO_CODE
        organ_name = " ".join(profile.get("ten_co_quan", [])) or agency
        if organ == NO_CODE:
            notice(_("warning: the agency profile has no ma_dinh_danh (the agency's electronic identifier): the "
                     "package names the agency {placeholder}, which an archive refuses; add ma_dinh_danh to "
                     "registers/{agency}.yaml and export again").format(placeholder=NO_CODE, agency=agency))
        for h in chosen:
            if h.status == OPEN:
                notice(_("warning: the hồ sơ {symbol} ({year}) is still open: this package is not final; close it "
                         "with 'correspondence ho-so close {symbol}' before handing it over").format(
                    symbol=h.ky_hieu, year=h.nam))
        files: dict[str, bytes] = {}
        count = 0
        register.record_access(agency, f"ho-so export {', '.join(h.ky_hieu for h in chosen)} → {out.name}")
        for h in chosen:
            filed: list[tuple[int, Entry | Incoming]] = [*register.ho_so_documents(h), *register.ho_so_received(h)]
            count += len([e for _n, e in filed if e.status != VOIDED])
            files |= _files_of(root, agency, h, (organ, organ_name), filed)
    name = out.name.removesuffix(".zip")
    sealed = _sealed(files, name)
    if out.suffix == ".zip":
        buffer = _zip(sealed)
        storage.write_new(out, buffer)
    else:
        storage.write_folder(out, {path.removeprefix(f"{name}/"): data for path, data in sealed.items()})
    return out, len(chosen), count


def _profile(root: Path, agency: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The agency profile as it is now in the workspace (a mã định danh added since issue counts), else the one
    stored with the documents."""
    path = agency_profile(root, agency)
    if path.is_file():
        profile, _problems = load_agency(path)
        if profile is not None:
            return profile.model_dump()
    found = stored.get("profile", {})
    return found if isinstance(found, dict) else {}


def _zip(files: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for path, data in sorted(files.items()):
            info = zipfile.ZipInfo(path, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return buffer.getvalue()


# What ``package check`` reads of an untrusted package: no member may expand past these, so a zip bomb is named, not
# inflated; members are hashed as they stream, never held whole.
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 4 * 2**30
MAX_RATIO = 200  # expanded ÷ compressed, for a member over 1 MB (PDFs barely compress, XML some tens of times)
MAX_MANIFEST_BYTES = 64 * 2**20
CHUNK = 2**20


@dataclass
class _Contents:
    """What a package holds: each member's SHA-256 by its path inside it, the manifest and its seal, and the members
    refused (escaping the package, links, too large)."""

    digests: dict[str, str] = field(default_factory=dict)
    small: dict[str, bytes] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def take(self, name: str, stream: IO[bytes]) -> None:
        """Read one member streaming: the manifest and its seal kept (bounded), any other member only hashed."""
        if name in (MANIFEST, SEAL):
            data = stream.read(MAX_MANIFEST_BYTES + 1)
            self.small[name] = data[:MAX_MANIFEST_BYTES]
            self.digests[name] = hashlib.sha256(data).hexdigest()
        else:
            self.digests[name] = _digest(stream, MAX_MEMBER_BYTES)[0]


def unsafe_name(name: str) -> str | None:
    """Why a member's path would land outside the package (or is no plain path), else None."""
    if "\\" in name:
        return _("a backslash in its path: unpacked elsewhere it could land outside the package")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return _("an absolute path: unpacked it would land outside the package")
    if any(part == ".." for part in name.split("/")):
        return _("'..' in its path: unpacked it would land outside the package")
    return None


def _digest(stream: object, limit: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):  # type: ignore[attr-defined]
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    return digest.hexdigest(), size


def _refusal(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member is not read: it would land outside the package, it is a link, it would expand past bounds."""
    why = unsafe_name(info.filename)
    if why is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
        why = _("a symbolic link: a package holds only files")
    if why is None and info.file_size > MAX_MEMBER_BYTES:
        why = _("expands to {size} MB: more than a package member may").format(size=info.file_size // 10**6)
    if why is None and info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        why = _("expands {ratio} times: a compression bomb, not read").format(
            ratio=info.file_size // max(info.compress_size, 1))
    return why


def _read_zip(path: Path) -> _Contents:
    import zlib

    found = _Contents()
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise UsageError(_("{path} is not a package (a folder or a .zip)").format(path=path)) from None
    with package:
        infos = [info for info in package.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            found.refused.append(("", _("{count} members: a package holds at most {limit}").format(
                count=len(infos), limit=MAX_MEMBERS)))
            return found
        refusals = {info.filename: _refusal(info) for info in infos}
        names = [name for name, why in refusals.items() if why is None]
        prefixes = {name.split("/", 1)[0] for name in names}
        prefix = prefixes.pop() + "/" if len(prefixes) == 1 and all("/" in name for name in names) else ""
        for info in infos:
            name = info.filename.removeprefix(prefix)
            why = refusals[info.filename]
            if why is not None:
                found.refused.append((name, why))
                continue
            try:
                with package.open(info) as stream:
                    found.take(name, stream)
            except (zipfile.BadZipFile, NotImplementedError, EOFError, RuntimeError, zlib.error) as error:
                found.refused.append((name, _("cannot be read: {what}").format(what=error)))
    return found


def _read_folder(path: Path) -> _Contents:
    found = _Contents()
    for folder, dirs, names in os.walk(path, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                found.refused.append(((here / name).relative_to(path).as_posix(),
                                      _("a symbolic link: a package holds only files")))
        for name in sorted(names):
            item = here / name
            relative = item.relative_to(path).as_posix()
            if item.is_symlink():
                found.refused.append((relative, _("a symbolic link: a package holds only files")))
                continue
            if not item.is_file():
                found.refused.append((relative, _("not a plain file")))
                continue
            if len(found.digests) >= MAX_MEMBERS:
                found.refused.append(("", _("more than {limit} files: a package holds at most {limit}").format(
                    limit=MAX_MEMBERS)))
                return found
            with item.open("rb") as stream:
                found.take(relative, stream)
    return found


def _read(path: Path) -> _Contents:
    """What a package (a folder or a .zip) holds, by each member's path inside it, the package's own folder dropped."""
    if path.is_file():
        return _read_zip(path)
    if not path.is_dir():
        raise UsageError(_("{path} is not a package (a folder or a .zip)").format(path=path))
    return _read_folder(path)


def originals(path: Path) -> list[tuple[str, bytes]]:
    """The PDF originals a package (a folder or a .zip) carries (``…/representations/…/data/*.pdf``), by their path
    inside it: what ``package check`` verifies the signatures of. Only plain members within the bounds are read."""
    def wanted(name: str) -> bool:
        return name.endswith(".pdf") and "/data/" in name and unsafe_name(name) is None

    found = []
    if path.is_dir():
        for item in sorted(path.rglob("*.pdf")):
            name = item.relative_to(path).as_posix()
            if wanted(name) and item.is_file() and not item.is_symlink() and item.stat().st_size <= MAX_MEMBER_BYTES:
                found.append((name, item.read_bytes()))
        return found
    try:
        with zipfile.ZipFile(path) as package:
            for info in package.infolist():
                if wanted(info.filename) and _refusal(info) is None:
                    found.append((info.filename, package.read(info)))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return []  # check() names what is wrong with the package itself
    return found


def check(path: Path) -> Checked:
    """Re-verify a package anywhere, without the register: the manifest's own checksum, then every file it lists
    (missing or changed) and every file it does not list (extra); a member that would land outside the package, a
    link, a member expanding past the bounds is named and never read."""
    contents = _read(path)
    result = Checked()
    where = str(path)
    for name, why in contents.refused:
        result.problems.append(Problem(where, name, why))
    if any(not name for name, _why in contents.refused):  # too many members: not read at all
        return result
    if MANIFEST not in contents.small:
        result.problems.append(Problem(where, MANIFEST, _("the manifest is missing: this is not a package")))
        return result
    manifest = contents.small[MANIFEST]
    sealed = contents.small.get(SEAL, b"").decode("utf-8", "replace").split()
    if not sealed or sealed[0] != contents.digests[MANIFEST]:
        result.problems.append(Problem(where, SEAL, _("the manifest was changed (its checksum does not match)")))
    listed: dict[str, str] = {}
    for line in manifest.decode("utf-8", "replace").splitlines():
        digest, _sep, name = line.partition("  ")
        listed[name] = digest
    refused = {name for name, _why in contents.refused}
    for name, digest in listed.items():
        result.files += 1
        unsafe = unsafe_name(name)
        if unsafe is not None:
            if name not in refused:
                result.problems.append(Problem(where, name, unsafe))
        elif name not in contents.digests:
            if name not in refused:
                result.problems.append(Problem(where, name, _("missing")))
        elif contents.digests[name] != digest:
            result.problems.append(Problem(where, name, _("changed: its SHA-256 differs from the manifest")))
    for name in sorted(set(contents.digests) - set(listed) - {MANIFEST, SEAL}):
        result.problems.append(Problem(where, name, _("extra: not in the manifest")))
    result.problems.sort(key=lambda p: p.field)
    return result
