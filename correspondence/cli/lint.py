"""Turn ``correspondence lint FILE.docx`` into a call of ``correspondence.api`` and print each departure from ND 30
it finds, in the clerk's language or as JSON; the exit status says whether any was found."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from correspondence.cli.options import agency_option, lang_option
from correspondence.cli.printing import echo
from correspondence.cli.root import main
from correspondence.errors import ExitStatus
from correspondence.i18n import _


@main.command("lint", help=_("Check a Word file (.docx) against the thể thức of Decree 30/2020: paper and margins, "
                             "typeface and sizes, Quốc hiệu and Tiêu ngữ, the Số line, the date line, V/v, Nơi nhận, "
                             "page numbers; the signer's authority (TM., KT., TL., TUQ., Q.) where the agency profile "
                             "(--co-quan, or the workspace's only one) knows the signer. Each departure is shown with "
                             "where it is and the rule it breaks; the exit status is 8 when one is found."))
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.option("--sua", "fix", is_flag=True, help=_(
    "Also write a corrected copy (FILE-sua.docx, or -o): paper, margins, typeface, sizes and the Số line's zero fixed; "
    "what needs the eye (bold, capitals, wording) is then listed. The original is never changed."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The corrected copy (with --sua)."))
@agency_option
@click.pass_context
def lint(ctx: click.Context, file: Path, as_json: bool, fix: bool, output: Path | None, agency: str | None) -> None:
    from correspondence import api

    workspace = ctx.obj["workspace"]
    if fix:
        written, findings = api.lint_fix(file, output, workspace, agency)
        if not as_json:
            echo(_("corrected copy: {path}").format(path=written))
        file = written
    else:
        findings = api.lint_docx(file, workspace, agency)
    if as_json:
        echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    elif not findings:
        echo(_("{file}: nothing departs from the thể thức of Decree 30/2020.").format(file=file.name))
    else:
        for finding in findings:
            where = []
            if finding.page is not None:
                where.append(_("page {page}").format(page=finding.page))
            if finding.paragraph is not None:
                where.append(_("paragraph {paragraph}").format(paragraph=finding.paragraph))
            place = f" ({', '.join(where)})" if where else ""
            echo(_("{file}{place}: {component}: found {found}; required {required} [{rule}]").format(
                file=file.name, place=place, component=api.component_name(finding.component), found=finding.found,
                required=finding.required, rule=finding.rule))
        echo(_("{count} departure(s) from Decree 30/2020.").format(count=len(findings)))
    if findings:
        sys.exit(int(ExitStatus.FINDINGS))
