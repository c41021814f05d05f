"""Human in the loop and transparency: the recommendation queue, career decisions that need a named
human, the town hall, "my data" and check-ins."""
