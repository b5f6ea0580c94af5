#!/usr/bin/env python3
"""Build the leaflet: `python make_leaflet.py` (see `python make_leaflet.py --help`)."""

import sys

from leaflet.command import main

if __name__ == "__main__":
    sys.exit(main())
