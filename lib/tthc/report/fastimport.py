"""Start-up cost the runner does not need to pay.

``jsonschema`` (imported by ``nbformat``, hence by papermill, nbconvert and the report notebook's
library) optionally imports ``rfc3987_syntax``, which compiles about forty Lark grammars at
import time: 1.1–1.3 s of CPU in every process, measured here, on the critical path of a report
(once in the runner, once in the kernel). It only serves the JSON-schema formats ``iri`` and
``iri-reference``, which no notebook schema uses. The package is in the environment because
``jupyter-events`` asks for ``jsonschema[format-nongpl]``; for report processes it is marked
absent, so jsonschema skips those two format checks exactly as when the package is not
installed. Nothing else changes; analysts' own kernels are untouched.
"""

from __future__ import annotations

import sys

SKIPPED_MODULES = ("rfc3987_syntax",)

# The same, as code run first in a report kernel (see tthc.report.execute.WARMUP_CODE).
KERNEL_CODE = (
    "import sys as _s\n"
    + "".join(f"_s.modules.setdefault({name!r}, None)\n" for name in SKIPPED_MODULES)
    + "del _s\n"
)


def skip_slow_optional_imports() -> None:
    """Mark the modules absent unless something already imported them (then nothing is saved,
    and nothing is broken)."""
    for name in SKIPPED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
