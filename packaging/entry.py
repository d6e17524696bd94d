"""PyInstaller entry point: the frozen app runs the same `main` as `python -m iijdesk`."""
import multiprocessing
import sys

from iijdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()   # harmless when unused; required if a worker ever spawns
    sys.exit(main())
