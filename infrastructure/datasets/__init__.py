"""Task datasets in the Hugging Face layout, user data files, on any ArtifactStore.

Nothing here imports `datasets` at module level: it loads inside the calls that need it.
"""

from codemill.infrastructure.datasets.hf_dataset_repository import HfDatasetRepository
from codemill.infrastructure.datasets.tabular_file_reader import ArrowTabularReader

__all__ = ["ArrowTabularReader", "HfDatasetRepository"]
