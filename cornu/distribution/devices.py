"""Which devices and processes take part: ``list_devices``, ``get_device_count`` and
``initialize`` (joining a cluster of processes, e.g. one per machine).

Example:
>>> cornu.distribution.list_devices()
['cpu:0', 'cpu:1', 'cpu:2', 'cpu:3', 'cpu:4', 'cpu:5', 'cpu:6', 'cpu:7']
"""

import os
import random

from cornu import backend
from cornu.serialization.registry import keras_export
from cornu.utils import rng_utils

JOB_ADDRESSES_VARIABLE = "KERAS_DISTRIBUTION_JOB_ADDRESSES"
NUM_PROCESSES_VARIABLE = "KERAS_DISTRIBUTION_NUM_PROCESSES"
PROCESS_ID_VARIABLE = "KERAS_DISTRIBUTION_PROCESS_ID"


@keras_export("keras.distribution.list_devices")
def list_devices(device_type=None):
    """The devices of one kind in the whole cluster, as ``"type:id"`` strings.

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; by default the accelerators when there
            are any, else the CPUs. Kinds are never mixed.

    Example:
    >>> cornu.distribution.list_devices("cpu")
    ['cpu:0']
    """
    return backend.distribution_lib().list_devices(device_type)


@keras_export("keras.distribution.get_device_count")
def get_device_count(device_type=None):
    """How many devices of one kind the cluster has (the kind as in ``list_devices``).

    Example:
    >>> cornu.distribution.get_device_count()
    8
    """
    return backend.distribution_lib().get_device_count(device_type)


def _from_environment(value, variable, convert=str):
    if value is not None or variable not in os.environ:
        return value
    raw = os.environ[variable]
    try:
        return convert(raw)
    except ValueError:
        raise ValueError(f"The environment variable {variable} must be an integer. Received: {variable}={raw!r}")


@keras_export("keras.distribution.initialize")
def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins this process to a cluster of processes (one per machine, or per GPU), before any
    computation. On JAX this is ``jax.distributed.initialize`` with process 0 as coordinator.

    Every argument left as None is read from the environment: ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES``, ``KERAS_DISTRIBUTION_PROCESS_ID`` (then, if still
    None, the backend may find it itself, e.g. on Cloud TPU or SLURM). Unless
    ``keras.utils.set_random_seed`` was called, the processes agree on one random seed here, so
    that randomly initialized weights are the same everywhere.

    Args:
        job_addresses: ``"host:port"`` of process 0 (the coordinator), or a comma-separated
            list with every process's address, the coordinator first.
        num_processes: how many processes form the cluster.
        process_id: this process's rank, from 0 to ``num_processes - 1``.

    Example (on each of two machines, ``process_id`` 0 and 1):
    >>> cornu.distribution.initialize("10.0.0.1:1234", num_processes=2, process_id=0)
    """
    job_addresses = _from_environment(job_addresses, JOB_ADDRESSES_VARIABLE)
    num_processes = _from_environment(num_processes, NUM_PROCESSES_VARIABLE, int)
    process_id = _from_environment(process_id, PROCESS_ID_VARIABLE, int)
    if num_processes is not None and process_id is not None and not 0 <= process_id < num_processes:
        raise ValueError(
            "`process_id` must be between 0 and `num_processes - 1`. "
            f"Received: process_id={process_id}, num_processes={num_processes}"
        )
    engine = backend.distribution_lib()
    engine.initialize(job_addresses, num_processes, process_id)
    if rng_utils.get_random_seed() is None:
        rng_utils.set_random_seed(engine.agree_on_seed(random.SystemRandom().randrange(2**31)))
