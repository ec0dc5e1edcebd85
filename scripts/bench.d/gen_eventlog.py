#!/usr/bin/env python3
"""Deterministic generator of the `eventlog` benchmark corpus: deep event logs.

A profile of the project's own, shaped unlike the shared generator's three (activedata: one
record shape, deep arrays of objects; heterogeneous: that shape with drift; wide: flat and
broad). Each line is a session of a distributed trace:

- ``spans``: an array of spans, each with ``events`` (an array of objects) whose
  ``attributes`` is an array of ``{key, value}`` pairs, and ``samples``: an array of arrays of
  numbers (a matrix, ragged, sometimes with empty rows): arrays of arrays inside arrays of
  objects;
- ``links``: an array of arrays of strings (span ids per hop);
- ``value`` fields whose JSON type drifts *slowly* over the file: integers for the first
  fifth of the documents, then floats, then sometimes strings (a type that turns up late,
  after many row groups' worth of documents);
- ``tags``: an object of per-document keys taken from a large vocabulary (map-like: many
  distinct keys, few per document);
- short documents (a heartbeat: three keys) mixed with long ones (up to ~30 spans).

Same arguments -> byte-identical output (seeded ``random.Random``, fixed vocabularies, no
hash-ordered iteration). About 1,900 bytes a document on average: ``--docs 100000`` is about
190 MB. Python 3.11+, standard library only.
"""

import argparse
import json
import random
import sys

DEFAULT_SEED = 42
CHUNK_DOCS = 2000

SERVICES = ["gateway", "auth", "catalog", "cart", "checkout", "payments", "search", "ledger",
            "notifier", "inventory", "pricing", "shipping"]
OPERATIONS = ["GET /items", "POST /cart", "db.query", "cache.get", "cache.set", "rpc.call",
              "queue.publish", "queue.consume", "render", "auth.verify", "http.client"]
EVENT_NAMES = ["retry", "timeout", "exception", "log", "checkpoint", "gc", "lock.wait"]
ATTR_KEYS = ["http.status", "db.rows", "peer.port", "thread.id", "cache.hit", "error.kind",
             "user.tier", "bytes.sent", "region", "attempt"]
LEVELS = ["debug", "info", "warn", "error"]
# A large vocabulary of tag names: map-like objects with few keys each.
TAG_KEYS = [f"{a}_{b}" for a in ("env", "build", "team", "flag", "exp", "zone", "feature")
            for b in range(60)]
WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
         "rho sigma tau upsilon phi chi psi omega").split()


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def drifting_value(rng, i, docs):
    """An int early in the file, a float later, sometimes a string near the end."""
    phase = i / max(docs, 1)
    if phase < 0.2:
        return rng.randint(0, 10_000)
    if phase < 0.8 or rng.random() < 0.9:
        return round(rng.uniform(0, 10_000), 3)
    return rng.choice(WORDS) + "-" + str(rng.randint(0, 99))


def attribute(rng):
    key = rng.choice(ATTR_KEYS)
    r = rng.random()
    if r < 0.45:
        value = rng.randint(0, 65535)
    elif r < 0.8:
        value = rng.choice(WORDS)
    elif r < 0.95:
        value = rng.random() < 0.5
    else:
        value = None
    return {"key": key, "value": value}


def event(rng, i, docs):
    e = {"name": rng.choice(EVENT_NAMES), "t_us": rng.randint(0, 5_000_000)}
    if rng.random() < 0.7:
        e["attributes"] = [attribute(rng) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.3:
        e["value"] = drifting_value(rng, i, docs)
    if rng.random() < 0.1:
        e["stack"] = [f"{rng.choice(SERVICES)}.py:{rng.randint(1, 900)}"
                      for _ in range(rng.randint(1, 6))]
    return e


def span(rng, i, docs, depth):
    s = {
        "id": hexid(rng, 16),
        "service": rng.choice(SERVICES),
        "op": rng.choice(OPERATIONS),
        "start_us": rng.randint(0, 10_000_000),
        "dur_us": rng.randint(1, 2_000_000),
    }
    if rng.random() < 0.8:
        s["events"] = [event(rng, i, docs) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.5:
        # A ragged matrix: rows of samples, some empty.
        s["samples"] = [[round(rng.gauss(50, 15), 2) for _ in range(rng.choice((0, 1, 3, 8)))]
                        for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.2:
        s["status"] = {"code": rng.choice(("OK", "ERROR", "UNSET")),
                       "message": None if rng.random() < 0.5 else " ".join(rng.sample(WORDS, 3))}
    if depth < 2 and rng.random() < 0.15:
        s["children"] = [span(rng, i, docs, depth + 1) for _ in range(rng.randint(1, 3))]
    return s


def document(rng, i, docs):
    if rng.random() < 0.25:
        # A heartbeat: a short document.
        return {"kind": "heartbeat", "ts": 1_700_000_000_000 + i * 37,
                "host": f"node-{rng.randint(0, 400):03d}"}
    d = {
        "kind": "trace",
        "ts": 1_700_000_000_000 + i * 37,
        "trace_id": hexid(rng, 32),
        "host": f"node-{rng.randint(0, 400):03d}",
        "level": rng.choice(LEVELS),
        "spans": [span(rng, i, docs, 0) for _ in range(rng.randint(1, 8))],
    }
    if rng.random() < 0.6:
        d["links"] = [[hexid(rng, 8) for _ in range(rng.randint(0, 3))]
                      for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.7:
        d["tags"] = {k: rng.choice(WORDS) for k in rng.sample(TAG_KEYS, rng.randint(1, 5))}
    if rng.random() < 0.4:
        d["metrics"] = {"cpu": round(rng.random(), 4), "mem_mb": rng.randint(50, 4000),
                        "value": drifting_value(rng, i, docs)}
    return d


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, required=True, help="number of documents (lines)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 42)")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        lines = []
        for i in range(args.docs):
            lines.append(json.dumps(document(rng, i, args.docs), separators=(",", ":")))
            if len(lines) == CHUNK_DOCS:
                out.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            out.write("\n".join(lines) + "\n")
    finally:
        if args.output:
            out.close()


if __name__ == "__main__":
    main()
