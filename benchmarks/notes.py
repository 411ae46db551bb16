"""The prose of results.md: how to run the benchmark, and why each missed target is missed.

Written by hand from the recorded runs; report.py prints it under the measured tables.
"""

HOW = [
    "`make bench` runs 10k, 100k and 1M triples; `make bench-10m` runs 10M. Both build the "
    "on-disk store (the default), time every report cold (first run in a fresh child process) "
    "and warm (the runs after it), the whole `kg gaps`, rdflib's engine at 100k, Virtuoso as "
    "the remote store up to 1M, the explorer under 16 clients and submissions of 100 to "
    "10,000 capabilities. Sizes count partner triples; the ontology and reference data add "
    "about 7k. `@ 2.1` after a figure is the machine's one-minute load average when it was "
    "taken: 2 cores are shared with other work, so compare figures at similar loads.",
]

NOTES = {
    "(not yet written)": "the notes are written from the recorded runs.",
}
