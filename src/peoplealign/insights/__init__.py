"""People insights: flight risk, skill gaps, well-being balance and People ROI, offered to humans as
recommendations."""
