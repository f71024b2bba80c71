"""Scale-out: sharded input and output (:mod:`rasad.scale.shards`) and runs on a Dask
cluster (:mod:`rasad.scale.dask_runner`: ``run_events``, ``run_ingest``).

Nothing is imported here, so ``import rasad`` stays free of Dask and pyarrow; see
``docs/scaling.md``.
"""
