# probe: fragment filled in by the probe work.
