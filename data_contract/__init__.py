"""The data contract of NCT06561009: dataset specifications, validation,
frozen snapshots, readers for source formats, and the trial simulator.

Public entry points:
- :data:`data_contract.specs.DATASETS` -- one :class:`DatasetSpec` per dataset;
- :mod:`data_contract.validate` -- validate a set of datasets against the contract;
- :mod:`data_contract.snapshot` -- freeze, verify, cut and load snapshots;
- :mod:`data_contract.simulator` -- the seeded trial simulator.
"""

import pandas as pd

CONTRACT_VERSION = "1.1.0"

# pandas Copy-on-Write (the default from pandas 3.0): selections, column subsets and
# index resets share memory until written, so the large datasets (3 million ADLB rows
# at 20,000 participants) are not copied at every step. analysis/__init__.py imports
# this package first, so the analysis runs in this mode too.
pd.set_option("mode.copy_on_write", True)
