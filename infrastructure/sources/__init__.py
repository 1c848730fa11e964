"""Code sources: folders, git repositories, archives and storage prefixes."""
