"""The web interface: server-rendered pages and the REST API over the same policy layer."""
