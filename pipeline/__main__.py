"""`python -m pipeline`: the same command line as `pipeline`."""

from pipeline.cli import main

raise SystemExit(main())
