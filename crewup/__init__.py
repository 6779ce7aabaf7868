"""CrewUp: a self-hostable community platform."""

__version__ = "0.6.0"
