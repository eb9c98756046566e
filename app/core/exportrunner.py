"""The background process of a list PDF job: ``python -m app.core.exportrunner <job id>``
(see :mod:`app.core.exportjobs`; a module of its own so that the job's model is
not defined a second time as ``__main__``)."""
import sys

from app.core.exportjobs import main

if __name__ == "__main__":
    sys.exit(main())
