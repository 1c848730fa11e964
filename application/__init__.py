"""Use cases and the services they share. Imports only `domain` and the standard library."""
