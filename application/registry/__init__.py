"""The model registry: register versions, move aliases (set, promote, roll back), and the read side."""
