"""Named limits for workspace files, autosave and imports (one place to read and tune them).

Ingest keeps its own input limits (file sizes) next to its readers; these are the limits of
the `.iijdesk` workspace file and of crash recovery (see iijdesk/core/workspace_io.py), and
the time an import may spend on one file or one check (iijdesk/core/workspace.py).
"""
from __future__ import annotations

# Autosave: at most AUTOSAVE_MAX_LOSS_S of work is lost when the app is killed, at any moment
# (from the session's first edit, and while the "restore unsaved work" bar is unanswered).
# The window asks every AUTOSAVE_TICK_S; a save is written when there are changes and the last
# one is AUTOSAVE_INTERVAL_S old. Worst case: interval + tick + the save's own time.
AUTOSAVE_MAX_LOSS_S = 10.0
AUTOSAVE_INTERVAL_S = 5.0
AUTOSAVE_TICK_S = 1.0

# Reading a workspace never trusts the sizes a (possibly hostile) zip declares beyond these.
MAX_WORKSPACE_MEMBERS = 100_000                 # zip entries in one workspace file
MAX_WORKSPACE_MEMBER_BYTES = 1 << 30            # 1 GiB uncompressed for any one entry
MAX_WORKSPACE_TOTAL_BYTES = 4 << 30             # 4 GiB uncompressed for the whole file
MAX_WORKSPACE_COMPRESSION_RATIO = 1000          # a larger ratio on a big entry is a zip bomb
COMPRESSION_RATIO_MIN_BYTES = 16 << 20          # ... only checked for entries above 16 MiB

# The facts table of a workspace: its row count (from the manifest) and its size are checked
# against these before a byte of it is parsed; rows beyond the manifest's count stop the read.
MAX_WORKSPACE_FACTS = 1_000_000                 # about a thousand releases (reading 1M rows: ~2 GB)
MAX_FACT_ROW_BYTES = 4096                       # facts.csv may hold this much per declared row

# A temp file of an interrupted save whose process is gone is removed by the next save to the
# same file (and the recovery folder's at the next start); one of a live process only when
# older than this.
STALE_TEMP_AGE_S = 600.0

# os.replace can fail transiently on Windows while a scanner holds the target open.
REPLACE_RETRIES = 5
REPLACE_RETRY_DELAY_S = 0.2

# Importing: a release is read and its tables found in well under a second and checked in a
# few; a file that takes longer than this is stopped (it is not a release, or a hostile one),
# and the others are still imported. One check rule over everything loaded likewise.
IMPORT_FILE_TIME_LIMIT_S = 60.0
CHECK_RULE_TIME_LIMIT_S = 60.0

# Reading one file. Each stage is linear in its input; these bound what a file can ask of it.
# A PDF of more pages is refused (a release has tens of pages, a 10-Q or 10-K a hundred or
# two). Reading is linear (about 20 ms a page); checking a long document's facts is not
# quite, and 300 pages of repeated statements read and check in about 40 s on a busy machine.
MAX_PDF_PAGES = 300
# A longer line is not read for tables (the widest real table row is a few hundred characters;
# a 100,000-character line holds at most 50,000 numbers, read in about 10 s); it is said so.
MAX_TABLE_LINE_CHARS = 100_000
# A printed number this large or larger (in absolute value) is no amount: it gets no value, so
# no fact, and the import says so (floats end at about 1.8e308; this keeps scaled sums finite).
MAX_NUMBER_VALUE = 1e30
