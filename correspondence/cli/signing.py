"""Turn the signing commands (``sign``, ``verify-signature``) into calls of ``correspondence.api`` and print what they
return. The password of a .p12 file is read from CORRESPONDENCE_P12_PASSWORD or asked for, never an argument."""

from __future__ import annotations

import os
from pathlib import Path

import click

from correspondence.cli.options import agency_option, lang_option, series_option, year_option
from correspondence.cli.printing import echo, shown
from correspondence.cli.root import main
from correspondence.i18n import _

PASSWORD_ENV = "CORRESPONDENCE_P12_PASSWORD"


@main.command("sign", help=_("Sign an issued document digitally: as its signer (--ky-nguoi), then as the agency "
                             "(--ky-co-quan); the signed PDF is written beside the issued one."))
@lang_option
@click.argument("number")
@click.option("--ky-nguoi", "as_signer", is_flag=True, help=_("The signer's signature (ô 7c, the signature picture)."))
@click.option("--ky-co-quan", "as_agency", is_flag=True,
              help=_("The agency's signature (ô 8, the seal), on a document its signer has signed."))
@click.option("--p12", "p12", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The certificate file with its key (.p12, .pfx); its password from CORRESPONDENCE_P12_PASSWORD "
                     "or asked for."))
@click.option("--pkcs11", "library", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("A USB token: the PKCS#11 driver its CA installed (.so, .dll); its PIN from "
                     "CORRESPONDENCE_PKCS11_PIN or asked for."))
@click.option("--khe", "slot", type=click.IntRange(min=0), default=None,
              help=_("The token's slot (pkcs11-tool -L, softhsm2-util --show-slots)."))
@click.option("--nhan", "label", default=None, help=_("The key's label, when the token holds several."))
@click.option("--chuan-bi", "prepare", is_flag=True,
              help=_("Remote signing, step 1: prepare the signature for a signing service (VNPT SmartCA, Viettel "
                     "MySign …) and write its request (the hash to sign) with -o."))
@click.option("--chung-thu", "certificate", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The signer's certificate from the signing service (.pem, .cer), for --chuan-bi and --tu-xa."))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Where --chuan-bi writes the request for the signing service (a .json file)."))
@click.option("--hoan-tat", "complete", is_flag=True,
              help=_("Remote signing, step 2: complete the prepared signature with the signature the service "
                     "returned."))
@click.option("--chu-ky-b64", "signature", default=None,
              help=_("The signature the service returned (RSA PKCS#1 v1.5), in base64 (or hexadecimal)."))
@click.option("--chu-ky", "signature_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("A file holding the signature the service returned (raw, base64 or hexadecimal)."))
@click.option("--tu-xa", "provider", default=None,
              help=_("Both steps with a signing service, waiting for the signer's confirmation (thu-nghiem: the test "
                     "service, signing with --p12)."))
@click.option("--cho", "wait", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help=_("With --tu-xa: how many seconds to wait for the signer's confirmation."))
@click.option("--phu-luc", "annexes", is_flag=True,
              help=_("With --ky-co-quan: sign the document's annexes issued in files of their own (no picture: the "
                     "number and the signing time at the top right of page 1), not the document."))
@click.option("--tsa", "tsa", default=None, metavar="URL",
              help=_("Add a timestamp from this RFC 3161 timestamp server (PAdES B-T); needs the network."))
@click.option("--ltv", "ltv", is_flag=True,
              help=_("With --tsa: keep the certificates and their revocation answers (CRL/OCSP) in the PDF (PAdES "
                     "B-LT); needs the network."))
@agency_option
@year_option
@series_option
@click.pass_context
def sign(ctx: click.Context, number: str, as_signer: bool, as_agency: bool, p12: Path | None, library: Path | None,
         slot: int | None, label: str | None, prepare: bool, certificate: Path | None, output: Path | None,
         complete: bool, signature: str | None, signature_file: Path | None, provider: str | None, wait: float,
         annexes: bool, tsa: str | None, ltv: bool, agency: str | None, year: int | None, series: str | None) -> None:
    from correspondence.errors import UsageError

    if complete:
        if tsa or ltv:
            raise UsageError(_("--tsa and --ltv are given when the remote signature is prepared (--chuan-bi): "
                               "--hoan-tat makes the level asked then"))
        if prepare or provider or p12 is not None or library is not None or annexes:
            raise UsageError(_("--hoan-tat takes only the signature: --chu-ky-b64 B64 or --chu-ky FILE"))
        from correspondence import api

        signed = api.complete_remote_signature(ctx.obj["workspace"], number, signature, signature_file, agency, year,
                                               series, ctx.obj["register"])
        echo(_("{number} signed by {signer} (certificate {serial}): {path}").format(
            number=signed.entry.so_ky_hieu, signer=signed.signer, serial=signed.serial, path=shown(signed.path)))
        return
    if signature is not None or signature_file is not None:
        raise UsageError(_("a signature the service returned completes a prepared one: add --hoan-tat"))
    if as_signer == as_agency:
        raise UsageError(_("say who signs: --ky-nguoi (the signer) or --ky-co-quan (the agency)"))
    if annexes and not as_agency:
        raise UsageError(_("--phu-luc goes with --ky-co-quan: the agency alone signs an annex in a file of its own"))
    if prepare or provider:
        if prepare and provider:
            raise UsageError(_("--chuan-bi prepares for a service by hand; --tu-xa does both steps: give one"))
        if annexes:
            raise UsageError(_("a remote signature signs the document only: --phu-luc signs with --p12 FILE or a USB "
                               "token"))
        if certificate is None:
            raise UsageError(_("remote signing needs the signer's certificate: --chung-thu CERT.pem"))
        if library is not None:
            raise UsageError(_("--chuan-bi and --tu-xa sign with a signing service, not a token"))
        _sign_remote(ctx, number, as_signer, certificate, output, provider, p12, wait, agency, year, series, tsa, ltv)
        return
    if (p12 is None) == (library is None):
        raise UsageError(_("name one key: --p12 FILE, or --pkcs11 LIB --khe SLOT for a USB token"))
    if library is not None and slot is None:
        raise UsageError(_("--pkcs11 needs --khe SLOT: the slot the token is in (pkcs11-tool -L)"))
    from correspondence import api

    token, password = None, None
    if library is not None and slot is not None:
        pin = api.pkcs11_pin_from_environment()
        if pin is None:
            pin = click.prompt(_("PIN of the token"), hide_input=True, default="", show_default=False)
        token = api.Token(library, slot, label, pin)
    elif p12 is not None:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = click.prompt(_("Password of {file}").format(file=p12.name), hide_input=True, default="",
                                    show_default=False)
    if annexes:
        done = api.sign_annexes(ctx.obj["workspace"], number, p12, password, agency, year, series,
                                ctx.obj["register"], token, tsa, ltv)
    else:
        role = api.SIGNER if as_signer else api.AGENCY
        done = [api.sign(ctx.obj["workspace"], number, role, p12, password, agency, year, series, ctx.obj["register"],
                         token, tsa, ltv)]
    for signed in done:
        echo(_("{number} signed by {signer} (certificate {serial}): {path}").format(
            number=signed.entry.so_ky_hieu, signer=signed.signer, serial=signed.serial, path=shown(signed.path)))


def _sign_remote(ctx: click.Context, number: str, as_signer: bool, certificate: Path, output: Path | None,
                 provider: str | None, p12: Path | None, wait: float, agency: str | None, year: int | None,
                 series: str | None, tsa: str | None, ltv: bool) -> None:
    from correspondence import api

    role = api.SIGNER if as_signer else api.AGENCY
    if provider is None:
        made = api.prepare_remote_signature(ctx.obj["workspace"], number, role, certificate, output, agency, year,
                                            series, ctx.obj["register"], tsa, ltv)
        echo(_("{number}: signature prepared for {signer}, waiting for the signing service: {path}").format(
            number=made.entry.so_ky_hieu, signer=made.request["nguoi_ky"], path=shown(made.prepared)))
        echo(_("Hash to sign (SHA-256, base64): {hash}").format(hash=made.request["hash"]))
        if made.path is not None:
            echo(_("Request written to {path}").format(path=shown(made.path)))
        echo(_("Then: correspondence sign {number} --hoan-tat --chu-ky-b64 SIGNATURE").format(
            number=made.entry.so_ky_hieu))
        return
    password = None
    if p12 is not None:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = click.prompt(_("Password of {file}").format(file=p12.name), hide_input=True, default="",
                                    show_default=False)
    signed = api.sign_remotely(ctx.obj["workspace"], number, role, certificate, provider, p12, password, agency, year,
                               series, ctx.obj["register"], wait, tsa, ltv)
    echo(_("{number} signed by {signer} (certificate {serial}): {path}").format(
        number=signed.entry.so_ky_hieu, signer=signed.signer, serial=signed.serial, path=shown(signed.path)))


@main.command("verify-signature", help=_("Check every digital signature of a PDF: intact, valid, trusted, who and when."))
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tin-cay", "trust", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=_("Folder of the trusted certificates (PEM or DER): the root CAs."))
def verify_signature(file: Path, trust: Path) -> None:
    from correspondence import api
    from correspondence.errors import SignatureInvalid
    from correspondence.vietnamese import gio_viet_nam

    checked = api.verify_signature(file, trust)
    if not checked:
        raise SignatureInvalid(_("{file} has no digital signature").format(file=file.name))
    yes, no = _("yes"), _("no")
    for index, item in enumerate(checked, 1):
        echo(_("Signature {index} ({field}): {signer}, certificate {serial} issued by {issuer}").format(
            index=index, field=item.field, signer=item.signer, serial=item.serial, issuer=item.issuer))
        echo("  " + _("signed at: {time}").format(time=gio_viet_nam(item.at) if item.at else "—"))
        echo("  " + _("level: PAdES {level}").format(level=item.level))
        echo("  " + _("intact: {intact}; valid: {valid}; trusted: {trusted}").format(
            intact=yes if item.intact else no, valid=yes if item.valid else no, trusted=yes if item.trusted else no))
        echo("  " + (_("covers the whole file") if item.whole_file else
                     _("covers its revision; only later signatures were added after it") if item.after == "signatures"
                     else _("covers its revision; the file was changed after it")))
    bad = [item for item in checked if not item.good]
    if bad:
        raise SignatureInvalid(_("{count} of {total} signature(s) not good").format(count=len(bad), total=len(checked)))
    echo(_("All {count} signature(s) intact, valid and trusted.").format(count=len(checked)))
