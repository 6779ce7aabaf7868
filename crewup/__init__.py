"""CrewUp: a self-hostable community platform."""

__version__ = "0.13.1"
