"""Turn issue requests into numbers, once each: numbering rules and the register store."""
