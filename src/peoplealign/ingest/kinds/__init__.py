"""One module per import kind; `registry` lists them by the name the CLI uses."""
