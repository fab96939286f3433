"""The data contract of NCT06561009: dataset specifications, validation,
frozen snapshots, readers for source formats, and the trial simulator.

Public entry points:
- :data:`data_contract.specs.DATASETS` -- one :class:`DatasetSpec` per dataset;
- :mod:`data_contract.validate` -- validate a set of datasets against the contract;
- :mod:`data_contract.rules` -- the rule table (severity and scope of every rule);
- :mod:`data_contract.codelists` -- meanings of sponsor codelists (study.yml ``codelists``);
- :mod:`data_contract.mapping` -- mapping files that translate a delivery at freeze;
- :mod:`data_contract.readers` / :mod:`data_contract.export` -- exchange formats in and out;
- :mod:`data_contract.validation_report` -- the console summary and the full report;
- :mod:`data_contract.snapshot` -- freeze, verify, cut and load snapshots;
- :mod:`data_contract.simulator` -- the seeded trial simulator;
- :mod:`data_contract.runtime` -- the process settings (:func:`~data_contract.runtime.configure`,
  called by the entry points: importing changes no global state).
"""

CONTRACT_VERSION = "1.1.0"
