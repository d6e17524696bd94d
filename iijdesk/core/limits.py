"""Named limits for workspace files, autosave and imports (one place to read and tune them).

Ingest keeps its own input limits (file sizes) next to its readers; these are the limits of
the `.iijdesk` workspace file and of crash recovery (see iijdesk/core/workspace_io.py), and
the time an import may spend on one file or one check (iijdesk/core/workspace.py).
"""
from __future__ import annotations

# Autosave: at most this much work is lost when the app is killed.
AUTOSAVE_INTERVAL_S = 60.0

# Reading a workspace never trusts the sizes a (possibly hostile) zip declares beyond these.
MAX_WORKSPACE_MEMBERS = 100_000                 # zip entries in one workspace file
MAX_WORKSPACE_MEMBER_BYTES = 1 << 30            # 1 GiB uncompressed for any one entry
MAX_WORKSPACE_TOTAL_BYTES = 4 << 30             # 4 GiB uncompressed for the whole file
MAX_WORKSPACE_COMPRESSION_RATIO = 1000          # a larger ratio on a big entry is a zip bomb
COMPRESSION_RATIO_MIN_BYTES = 16 << 20          # ... only checked for entries above 16 MiB

# A temp file from an interrupted save older than this is removed by the next save.
STALE_TEMP_AGE_S = 600.0

# os.replace can fail transiently on Windows while a scanner holds the target open.
REPLACE_RETRIES = 5
REPLACE_RETRY_DELAY_S = 0.2

# Importing: a release is read and its tables found in well under a second and checked in a
# few; a file that takes longer than this is stopped (it is not a release, or a hostile one),
# and the others are still imported. One check rule over everything loaded likewise.
IMPORT_FILE_TIME_LIMIT_S = 60.0
CHECK_RULE_TIME_LIMIT_S = 60.0
