"""normandie: a command-line explorer of sourced facts about Normandy's economy."""

__version__ = "0.1.0"
