"""One collection in a process of its own, printing the peak RSS of that (driver) process as JSON.

Usage: python -m bench.collect_driver SOURCE STORE [--workers N] [--executor local|ray] [--metrics full|fast]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from codemill.application.collection.collect_data import CollectRequest
from codemill.presentation.container import Container
from codemill.presentation.settings import CollectSettings, Settings, StorageSettings


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("source", type=Path)
    options.add_argument("store", type=Path)
    options.add_argument("--workers", type=int, default=2)
    options.add_argument("--executor", choices=["local", "ray"], default="local")
    options.add_argument("--metrics", choices=["full", "fast"], default="full")
    arguments = options.parse_args()
    container = Container()
    settings = Settings(storage=StorageSettings(root=arguments.store), collect=CollectSettings())
    container.settings.override(settings)
    request = CollectRequest(
        sources=[str(arguments.source)],
        name="driver",
        workers=arguments.workers,
        security=False,
        executor=arguments.executor,
        metrics=arguments.metrics,
    )
    started = time.perf_counter()
    result = container.collect_data().execute(request)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "bytes": result.stats.files.bytes, "driver_peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
