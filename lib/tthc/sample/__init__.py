"""The deterministic An Trường sample exports (``tthc sample``).

:func:`generate` builds the three exports' rows in memory; :func:`write_sample` writes them as
xlsx in a one-stop vendor's layout. For a given seed both are identical on every run, and every
seed reproduces the figures in :mod:`tthc.sample.targets` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tthc.sample.cases import Design, design, generate_cases
from tthc.sample.pakn import generate_pakn
from tthc.sample.procedures import Procedure, catalogue
from tthc.sample.write import (
    CASES_FILE,
    CATALOGUE_FILE,
    PAKN_FILE,
    write_cases,
    write_catalogue,
    write_pakn,
)

DEFAULT_SEED = 20260614


@dataclass(frozen=True)
class SampleData:
    procedures: tuple[Procedure, ...]
    cases: pd.DataFrame
    pakn: pd.DataFrame
    design: Design


def generate(seed: int = DEFAULT_SEED) -> SampleData:
    """The sample's rows for ``seed``. Cases and PAKN draw from independent streams."""
    case_rng, pakn_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    return SampleData(
        procedures=catalogue(),
        cases=generate_cases(case_rng),
        pakn=generate_pakn(pakn_rng),
        design=design(),
    )


def write_sample(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the three exports into ``out_dir`` (created if needed): file name -> data rows."""
    data = generate(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        CATALOGUE_FILE: write_catalogue(out_dir / CATALOGUE_FILE, data.procedures),
        CASES_FILE: write_cases(out_dir / CASES_FILE, data.cases),
        PAKN_FILE: write_pakn(out_dir / PAKN_FILE, data.pakn),
    }
