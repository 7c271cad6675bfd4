"""Reports: the packed layout shared with Solidity, digests, the median rule and the on-chain checks."""
