"""One module per command; each holds a ``command`` the CLI registers."""
