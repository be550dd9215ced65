#!/usr/bin/env python3
"""Reads a sparkcnn prep output (a Delta table) from Python: exactly the committed snapshot.

The output root also holds Parquet files of older Delta versions (kept for time travel until
VACUUM) and, after a killed run, files of the aborted write until the next run removes them, so
``pd.read_parquet(OUTPUT)`` over-counts or fails. ``_manifest.json`` lists the files of one
committed version with their sizes and SHA-256; this script reads exactly those.

    python3 deploy/prep/read_shards.py OUTPUT [--split train] [--columns key,label] [--verify]

prints the row count per split as JSON. From Python::

    import read_shards
    table = read_shards.read_shards("/data/shards/fashion-mnist", split="train")  # pyarrow.Table
    df = table.to_pandas()

Needs pyarrow (pandas for .to_pandas()). OUTPUT is a local path or a URI pyarrow's file systems
understand (file://, hdfs://, s3://).
"""
import argparse
import hashlib
import json
import sys
from collections import Counter
from urllib.parse import unquote

import pyarrow.fs as pafs
import pyarrow.parquet as pq


def _fs(output):
    fs, root = pafs.FileSystem.from_uri(output) if "://" in output else (pafs.LocalFileSystem(), output)
    return fs, root.rstrip("/")


def manifest(output):
    """The parsed ``_manifest.json`` of an output."""
    fs, root = _fs(output)
    with fs.open_input_stream(root + "/_manifest.json") as f:
        return json.load(f)


def shard_files(output, split=None, verify=False):
    """Paths of the live shard files (optionally of one split), checked against the manifest's sizes
    (and SHA-256 with ``verify``); raises ValueError naming the file that does not match."""
    fs, root = _fs(output)
    m = manifest(output)
    paths = []
    for s in m["shards"]:
        if split is not None and s.get("split") != split:
            continue
        path = root + "/" + unquote(s["path"])
        info = fs.get_file_info(path)
        if info.type != pafs.FileType.File:
            raise ValueError(f"{path}: listed in _manifest.json (table version {m['tableVersion']}) but missing")
        if info.size != s["bytes"]:
            raise ValueError(f"{path}: {info.size} bytes, _manifest.json says {s['bytes']}")
        if verify:
            h = hashlib.sha256()
            with fs.open_input_stream(path) as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            if h.hexdigest() != s["sha256"]:
                raise ValueError(f"{path}: sha256 {h.hexdigest()}, _manifest.json says {s['sha256']}")
        paths.append(path)
    return fs, paths


def read_shards(output, split=None, columns=None, verify=False):
    """The committed rows as one pyarrow.Table (no rows, no schema when the split has no shard)."""
    fs, paths = shard_files(output, split, verify)
    if not paths:
        return None
    return pq.ParquetDataset(paths, filesystem=fs).read(columns=columns)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("output", help="prep output root (the Delta table), path or URI")
    p.add_argument("--split", help="only this split (train, val, test)")
    p.add_argument("--columns", help="comma-separated columns to read (default: all)")
    p.add_argument("--verify", action="store_true", help="check every file's SHA-256 against the manifest")
    a = p.parse_args(argv)
    try:
        t = read_shards(a.output, a.split, a.columns.split(",") if a.columns else None, a.verify)
    except (OSError, ValueError, KeyError) as e:
        print(f"read_shards: {e}", file=sys.stderr)
        return 2
    per_split = {}
    if t is not None and "split" in t.column_names:
        per_split = dict(sorted(Counter(t.column("split").to_pylist()).items()))
    print(json.dumps({"tableVersion": manifest(a.output)["tableVersion"], "rows": 0 if t is None else t.num_rows,
                      "rowsPerSplit": per_split}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
