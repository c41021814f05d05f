"""Policy and privacy: the charter, the policy engine, anonymity, redaction and the audit trail.
This layer is the only door through which services read personal data."""
