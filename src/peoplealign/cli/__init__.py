"""Command line: thin Typer commands over the services; heavy libraries are imported inside commands."""
