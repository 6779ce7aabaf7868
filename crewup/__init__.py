"""CrewUp: a self-hostable community platform."""

__version__ = "0.12.0"
