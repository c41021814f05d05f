"""Co-created metrics: the measure library, versioned definitions and the workshops that agree on them."""
