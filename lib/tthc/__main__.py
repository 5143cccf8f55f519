"""``python -m tthc``. The guard matters: worker processes of a process pool or a Dask local
cluster are spawned, and a spawned child imports the parent's main module (as ``__mp_main__``);
without the guard it would run the command again."""

import sys

from tthc.cli import main

if __name__ == "__main__":
    sys.exit(main())
