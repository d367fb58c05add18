# testbed: shell scripts and topologies (filled in by the testbed work).
