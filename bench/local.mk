# bench: benchmarks that put numbers beside peers.
