# campaign: fragment filled in by the campaign work.
