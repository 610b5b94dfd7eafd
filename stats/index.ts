// The public surface of stats/: every method, re-exported.
export {}
