import sys

from iijdesk.cli import main

sys.exit(main())
