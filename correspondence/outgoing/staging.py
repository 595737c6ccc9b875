"""Turn documents into staged files, on every core for many: the part of issuing that runs in the worker processes.
A worker writes each file it renders itself and hands back where, its SHA-256 and size — never the bytes — so that a
batch of any size is never held in one process's memory.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from correspondence import model as m
from correspondence import storage
from correspondence.i18n import set_language
from correspondence.render import drafts_at_once, notice_html_templates, render_document, render_drafts

Job = TypeVar("Job")
# How many documents a preview lays out in one compile: a Typst compile holds the layout of all it lays out (more at once
# costs memory, and saves little time above some twenty); the files are shared among the workers.
DRAFTS_AT_ONCE = 25
# How many jobs per worker may wait for one (``stage_all``): enough that a worker never waits for the next.
AHEAD = 4
# What the server the workers are forked from loads once (multiprocessing's ``forkserver``): the renderers and their
# libraries. A new interpreter for each worker imported them again, some 0.3 s of CPU a worker, a tenth of a 200-row
# merge's work on two cores. (A module that fails to load is loaded by the worker that needs it.)
PRELOAD = ["correspondence.outgoing.staging", "correspondence.render.typst", "typst"]
# Only for workers that write DOCX (a preview writes none); the last reads the blank package once for them all.
PRELOAD_DOCX = ["correspondence.render.docx", "docx", "correspondence.render.docx_ready"]


def stage_job(job: tuple[m.Document, tuple[str, ...], str, str]) -> list[storage.Staged]:
    """Render one document and stage its files, in any process: everything needed travels in ``job``; what comes
    back is where each file was written, its SHA-256 and size — never its bytes."""
    doc, formats, root, folder = job
    rendered = render_document(doc, formats, Path(root))
    return storage.stage({Path(folder) / name: data for name, data in rendered.items()})


def pages_job(job: tuple[m.Document, tuple[str, ...], str, str]) -> list[storage.Staged]:
    """``stage_job`` for files of which only the pages are read once, then removed (a preview joins the drafts'
    pages): the scratch files are not synced to disk."""
    doc, formats, root, folder = job
    rendered = render_document(doc, formats, Path(root))
    return storage.stage({Path(folder) / name: data for name, data in rendered.items()}, durable=False)


def drafts_job(job: tuple[list[m.Document], str, str, str]) -> list[storage.Staged]:
    """A few documents' PDF files, to look at (a preview): laid out at once into the one file ``job`` names
    (``render_drafts``) where the template can, else each document rendered on its own beside it (``pages_job``);
    the pages the same either way, in order; not synced to disk."""
    docs, title, root, path = job
    if drafts_at_once(docs, Path(root)):
        return storage.stage({Path(path): render_drafts(docs, title, Path(root))}, durable=False)
    return [item for doc in docs for item in pages_job((doc, ("pdf",), root, str(Path(path).parent)))]


def _processes(docx: bool = True) -> multiprocessing.context.BaseContext:
    """How workers start: forked from the server process that has loaded the renderers (``docx``: the DOCX one too;
    a server already started keeps what it loaded), else (where there is no ``forkserver``) each a new
    interpreter."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*PRELOAD, *(module for module in PRELOAD_DOCX if docx and module not in PRELOAD)])
    return context


def start_workers(workers: int | None, formats: tuple[str, ...] = ("docx", "pdf")) -> None:
    """Have the server the workers are forked from load the renderers of ``formats`` now, on another core, while this
    process composes the rows: a merge on several cores then finds it ready (the workers wait for it)."""
    if (workers or 1) > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        _processes(docx="docx" in formats)
        multiprocessing.forkserver.ensure_running()


def _warm(folder: str, environment: dict[str, str]) -> None:
    """Worker start-up: in the folder and the environment of the process that asked for it, as a new interpreter would
    be (the server it is forked from was started earlier, maybe elsewhere: by the desk, or in another folder), and
    messages in the clerk's language."""
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(environment)
    set_language(None)


def stage_all(jobs: Iterable[Job], workers: int | None, progress: Callable[[int, int], None] | None,
              job: Callable[[Job], list[storage.Staged]] = stage_job,  # type: ignore[assignment]
              total: int | None = None) -> list[list[storage.Staged]]:
    """Render and stage every job (on every core for many), each handed to a worker as soon as ``jobs`` gives it:
    each worker writes the files it renders beside their targets itself and hands back their places and hashes, so
    the bytes of a batch are never held together. On the first failure (of a job, or of ``jobs`` itself) nothing
    staged is kept — neither what was staged before it nor what workers finish after it. ``progress`` is told how
    many jobs are done, of how many (``total``, else the length of ``jobs``, else 0). At most ``AHEAD`` jobs per worker
    wait for one: ``jobs`` is read no faster than the workers take them, so that the documents of a large batch are
    not all held at once (a merge of thousands of rows)."""
    results: list[list[storage.Staged]] = []
    count = workers or 1
    if total is None:
        total = len(jobs) if isinstance(jobs, Sized) else 0
    pending = iter(jobs)
    try:
        first = list(itertools.islice(pending, 2))  # a single job is done here, without starting workers
        if count > 1 and len(first) > 1:
            pool = ProcessPoolExecutor(count, mp_context=_processes(), initializer=_warm,
                                       initargs=(os.getcwd(), dict(os.environ)))
            futures: list[Future[list[storage.Staged]]] = []
            try:
                for one in itertools.chain(first, pending):
                    while len(futures) - len(results) >= AHEAD * count:  # the oldest first: results stay in order
                        results.append(futures[len(results)].result())
                        if progress is not None:
                            progress(len(results), total)
                    futures.append(pool.submit(job, one))
                    while futures[len(results)].done():  # what is finished already, in order
                        results.append(futures[len(results)].result())
                        if progress is not None:
                            progress(len(results), total)
                        if len(results) == len(futures):
                            break
                for future in futures[len(results):]:
                    results.append(future.result())
                    if progress is not None:
                        progress(len(results), total)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # the jobs under way finish: their files are removed
                for future in futures[len(results):]:
                    if not future.cancelled() and future.exception() is None:
                        storage.discard(future.result())
                raise
            finally:
                pool.shutdown(wait=True)
        else:
            for one in itertools.chain(first, pending):
                results.append(job(one))
                if progress is not None:
                    progress(len(results), total)
    except BaseException:
        for staged in results:
            storage.discard(staged)
        raise
    return results


def drafts_to(chunks: Iterable[list[m.Document]], total: int, title: str, root: Path, folder: Path,
              workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Every document's PDF files, ``chunks`` of documents (``DRAFTS_AT_ONCE`` each) laid out in one file each
    (``drafts_job``), each chunk handed to a worker as soon as it is given, in ``folder`` (a scratch folder): the
    files in order, their pages those of each document's own PDF files. ``progress`` counts documents, of ``total``.
    On a failure (of ``chunks`` too) nothing is left."""
    notice_html_templates(root)  # said here: the workers' own notices reach no one
    count = workers or 1  # the same files whatever the count: a file holds a fixed number of documents
    sizes: list[int] = []

    def jobs() -> Iterator[tuple[list[m.Document], str, str, str]]:
        for index, chunk in enumerate(chunks):
            sizes.append(len(chunk))
            yield chunk, title, str(root), str(folder / f"{index}.pdf")

    def counted(finished: int, _total: int) -> None:
        if progress is not None:
            progress(sum(sizes[:finished]), total)

    staged = stage_all(jobs(), count, counted, drafts_job)
    return [item.temporary for files in staged for item in files if item.target.suffix == ".pdf"]
