"""The data contract of NCT06561009: dataset specifications, validation,
frozen snapshots, readers for source formats, and the trial simulator.

Public entry points:
- :data:`data_contract.specs.DATASETS` -- one :class:`DatasetSpec` per dataset;
- :mod:`data_contract.validate` -- validate a set of datasets against the contract;
- :mod:`data_contract.snapshot` -- freeze, verify, cut and load snapshots;
- :mod:`data_contract.simulator` -- the seeded trial simulator.
"""

CONTRACT_VERSION = "1.0.0"
