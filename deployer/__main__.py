"""``python -m deployer``: the same as the ``deployer`` command."""

import sys

from deployer.cli import main

sys.exit(main())
