"""``cornu.datasets``: Keras's downloadable datasets, and ``digits``, which ships with cornu.

The downloads are cached in ``$CORNU_HOME/datasets`` (default ``~/.cornu/datasets``) and checked
against Keras's hashes; ``dataset_sources.mirror`` points them at another server.
"""

from cornu.datasets import (boston_housing, california_housing, cifar10, cifar100, digits, fashion_mnist,
                            imdb, mnist, reuters)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "digits", "fashion_mnist", "imdb",
           "mnist", "reuters"]

from cornu.missing_features import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
