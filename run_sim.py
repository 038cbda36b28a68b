#!/usr/bin/env python3
"""Command-line entry of edugroup-sim: ``python run_sim.py --help``."""

from sim.cli import main

if __name__ == "__main__":
    main()
