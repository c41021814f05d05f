"""Model machinery shared by the analyses: text features, static embeddings, shipped artifacts."""
