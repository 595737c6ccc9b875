"""Print how many arbitrary records the command line was fed and what became of them: ``python bench/fuzz.py [-n N]``.

Each example (the example công văn with fields replaced by anything, any YAML shape, or raw text) goes
through ``check`` and ``issue`` in a fresh workspace; the promise is a located message or a valid
document, never a traceback, never a number taken for a refused record. A broken promise is printed
with the record that broke it, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="examples to try")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from hypothesis import HealthCheck, given, seed, settings

    from correspondence.i18n import set_language
    from tests.fuzzing import fresh_workspace, records, verdict

    set_language("vi")
    outcomes: collections.Counter[str] = collections.Counter()
    broken: list[tuple[str, str]] = []

    @seed(args.seed)
    @settings(max_examples=args.n, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(records())
    def run(text: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            kept, what = verdict(fresh_workspace(Path(folder)), text)
            outcomes[what.split(":")[0] if kept else "BROKEN"] += 1
            if not kept:
                broken.append((text, what))

    began = time.perf_counter()
    run()
    elapsed = time.perf_counter() - began
    total = sum(outcomes.values())
    print(f"{total} records tried in {elapsed:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for text, what in broken[:5]:
        print("---", what, "\n", text[:500])
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
