# bgpctl: fragment filled in by the bgpctl work.
