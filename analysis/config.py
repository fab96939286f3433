"""The study configuration as the analysis reads it: :mod:`study.config`.

The configuration is shared with the data contract and the simulator, so it lives in
the neutral :mod:`study` package (README, ARCHITECTURE); this module keeps the import
path the displays and notebooks use.
"""

from study.config import CONFIG_PATH, PROJECT_ROOT, DoseLevel, StudyConfig, load_config

__all__ = ["CONFIG_PATH", "PROJECT_ROOT", "DoseLevel", "StudyConfig", "load_config"]
