"""Thin launcher: start the Assessor web app with the configured host, port and data directory.

Same as `assessor serve`; options come from the environment (ASSESSOR_HOST, ASSESSOR_PORT, ASSESSOR_DATA_DIR,
ASSESSOR_DATABASE_URL) or the settings file.
"""

import assessor  # noqa: F401  (offline switches before anything else)
from assessor.cli import main

if __name__ == "__main__":
    import sys

    sys.argv = [sys.argv[0], "serve", *sys.argv[1:]]
    main()
