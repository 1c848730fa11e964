"""Drift monitoring: the prediction log of a server and the drift report against the reference."""
