"""crewup-admin: operate a CrewUp installation from the shell."""
