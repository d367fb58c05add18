# analyze: fragment filled in by the analyze work.
