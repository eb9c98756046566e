"""Signature chains (paraf / imza) seen from the screens: "İmzamı bekleyenler"
on the home page, the delegation command, demo delegations. The mechanism
itself is in ``app.core.signing``."""
