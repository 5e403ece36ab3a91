"""The record of every staff act in a session (moderation, phases, rounds, answers, resolutions, purges):
who did what, when and why. Each capability writes its own acts here; the console shows the record."""
