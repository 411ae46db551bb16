"""Submissions of 100, 1,000 and 10,000 capabilities read, validated and accepted into a store."""

from __future__ import annotations

import time
from pathlib import Path

from timing import load, log

ROOT = Path(__file__).resolve().parent.parent


def validation(store, folder: Path, opts: dict, result: dict) -> None:
    """Validate and accept single-partner submissions of N capabilities into the built store."""
    from synth import TRIPLES_PER_CAPABILITY, generate

    import kg.submissions as subs
    from kg.submissions.validate import shared_context

    context = shared_context(str(ROOT))
    result["validation"] = {}
    for n in opts["validation_sizes"]:
        if n > 1000 and result["size"] not in opts["validation_full_at"]:
            continue
        code = next(
            iter(generate(n * TRIPLES_PER_CAPABILITY, folder / f"val-{n}", seed=11, partners=1))
        )
        path = folder / f"val-{n}" / f"{code}.ttl"
        entry = result["validation"][str(n)] = read_timed(subs, path, context, opts)
        entry["load"] = load()
        source = entry.pop("source", None)
        if source is not None:
            entry.update(submit_timed(subs, store, source, context, code, opts))
        log(f"{result['size']}: {n} capabilities {entry}")


def read_timed(subs, path: Path, context, opts: dict) -> dict:
    """Time reading (parsing, skolemising, locating lines of) a submission, under the cap."""
    from load import capped

    out = capped(lambda: subs.read(path, context), 1, opts["validation_cap"])
    return {"read_s": out["p50"], "source": out["value"]} if "value" in out else {"read": out}


def submit_timed(subs, store, source, context, code: str, opts: dict) -> dict:
    """Time `submit` as a whole and the pySHACL validation it calls, under the cap."""
    from load import capped

    real, spent = subs.validate, []

    def validate(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    subs.validate = validate
    try:
        out = capped(
            lambda: subs.submit(store, source, context, code, "bench", confirm=True),
            1,
            opts["validation_cap"],
        )
    finally:
        subs.validate = real
    outcome = out.pop("value", None)
    out["triples"] = len(source.triples)
    if outcome is not None:
        out.update(
            validate_s=spent[-1],
            accept_s=out["p50"] - spent[-1],
            conforms=outcome.report.conforms,
            accepted=outcome.acceptance is not None,
        )
    return out
