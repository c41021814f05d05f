"""User accounts: logins, roles and the link to a person record."""
