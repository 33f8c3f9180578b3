"""`python -m ingest …`: the same as the `ingest` command."""

import sys

from ingest.cli import main

sys.exit(main())
