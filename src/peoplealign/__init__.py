"""peoplealign: people analytics that employees can trust."""

__version__ = "0.1.0"
