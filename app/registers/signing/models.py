"""The signing tables live in the core (``app.core.signing``)."""
from app.core.signing import SignatureDelegation, SignatureStep  # noqa: F401
