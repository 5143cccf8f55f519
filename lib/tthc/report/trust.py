"""Executed report notebooks are saved trusted, so JupyterLab shows their charts when opened.

JupyterLab renders the HTML and SVG outputs of a notebook only when it trusts it; otherwise it
shows their text. Trust is nbformat's notary (``nbformat.sign.NotebookNotary``): a notebook is
trusted when an HMAC of its content, keyed by a secret, is recorded in a signature database. Both
live in the Jupyter data folder of the user, not in the notebook: ``notebook_secret`` and
``nbsignatures.db`` in ``jupyter --data-dir`` (``~/.local/share/jupyter`` on Linux, or
``$JUPYTER_DATA_DIR``), which is also where JupyterLab's own notary looks by default.

So signing here makes the report open trusted for the user who ran ``tthc report`` (the usual
case: the same person makes and reviews it). Someone else opening it, or the same user with
another ``JUPYTER_DATA_DIR``, sees it untrusted until they choose "Trust Notebook" or run
``jupyter trust outputs/<unit>/<period>/report.ipynb``. Nothing else is trusted: only the
notebooks this program executed from its own report notebook.
"""

from __future__ import annotations

from typing import Any


def trust_notebook(nb: Any) -> bool:
    """Record ``nb`` (the node as written to disk) as trusted; False when the signature
    database cannot be written (read-only home, locked database): the report is still made."""
    from nbformat.sign import NotebookNotary

    try:
        NotebookNotary().sign(nb)
    except Exception:
        return False
    return True


def is_trusted(nb: Any) -> bool:
    """Whether the current user's notary trusts ``nb`` (what JupyterLab will decide)."""
    from nbformat.sign import NotebookNotary

    return bool(NotebookNotary().check_signature(nb))
