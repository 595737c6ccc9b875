"""Turn ``correspondence search`` into a call of ``correspondence.api`` and print the hits.
"""

from __future__ import annotations

import json

import click

from correspondence.cli.options import (
    agency_option,
    lang_option,
    parse_date,
)
from correspondence.cli.printing import echo
from correspondence.cli.root import main
from correspondence.i18n import _


@main.command(help=_("Find issued and received documents by their words: body, subject, signer, recipients, tables, "
                     "number. \"…\" for a phrase, * for a word's beginning; typed without diacritics they are ignored, "
                     "typed with them they must match."))
@lang_option
@click.argument("words", nargs=-1, required=True)
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@click.option("--loai", "kind", default=None, help=_("Kind, e.g. cong_van."))
@click.option("--ho-so", "ho_so", default=None, help=_("Only the documents of this hồ sơ."))
@click.option("--tu-ngay", "start", default=None, help=_("From this day, dd/mm/yyyy."))
@click.option("--den-ngay", "end", default=None, help=_("To this day, dd/mm/yyyy."))
@click.option("-n", "--so-ket-qua", "limit", type=click.IntRange(1, 1000), default=20, help=_("How many results."))
@agency_option
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def search(ctx: click.Context, words: tuple[str, ...], year: int | None, kind: str | None, ho_so: str | None,
           start: str | None, end: str | None, limit: int, agency: str | None, as_json: bool) -> None:
    from correspondence.api import period as period_of
    from correspondence.api import search as run
    from correspondence.vietnamese import ngay_so

    period = period_of(year, None, None, parse_date(start, "--tu-ngay"), parse_date(end, "--den-ngay")) \
        if start or end else None
    hits = run(ctx.obj["workspace"], words, year, kind, ho_so, period, agency, ctx.obj["register"], limit)
    if as_json:
        echo(json.dumps([{"so_ky_hieu": h.so_ky_hieu, "ngay": h.ngay, "diem": h.score, "ten_loai_trich_yeu": h.ten,
                                "dong": h.line, "trang_thai": h.trang_thai} for h in hits],
                              ensure_ascii=False, indent=2))
        return
    if not hits:
        echo(_("no document holds these words"))
    for hit in hits:
        echo(f"{hit.so_ky_hieu}  {ngay_so(hit.ngay)}  {hit.ten}")
        if hit.trang_thai:
            echo(f"    [{hit.trang_thai}]")
        echo(f"    … {hit.line}")
