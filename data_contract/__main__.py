"""``python -m data_contract``: see :mod:`data_contract.cli`."""

import sys

from data_contract.cli import main

sys.exit(main())
