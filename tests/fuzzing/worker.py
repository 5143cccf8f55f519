"""The fuzz worker: a child process that ingests one file per request and answers in JSON.

Protocol, one JSON object per line: request ``{"path": …, "db": …}``; answer ``{"outcome":
"result" | "refused" | "exception", …}``. A signal ends the process; the parent sees it
(:class:`tthc_fuzz_worker.Worker` in ``harness``) and starts a new one.
"""

from __future__ import annotations

import json
import resource
import sys
import traceback

MEMORY_LIMIT = 4 << 30  # a runaway allocation fails here, not on the machine


def answer(request: dict) -> dict:
    from tthc.ingest.pipeline import FailedFile, ingest_paths

    try:
        results = ingest_paths(request["db"], "fuzz", [request["path"]])
    except BaseException as exc:  # a Rust panic (pyo3's PanicException) is a BaseException
        from tthc.errors import TthcError

        if isinstance(exc, TthcError):
            return {"outcome": "refused", "error": str(exc)}
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"outcome": "exception", "error": repr(exc), "traceback": traceback.format_exc()}
    [r] = results
    if isinstance(r, FailedFile):
        return {"outcome": "refused", "error": r.error}
    return {"outcome": "result", "result": r.to_json()}


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import tthc.ingest.pipeline  # noqa: F401  (imports before the first request)

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        out = answer(json.loads(line))
        print(json.dumps(out, ensure_ascii=True, default=str), flush=True)


if __name__ == "__main__":
    main()
