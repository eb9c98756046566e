"""Imports every model so that ``Model.metadata`` is complete (Alembic,
tests, the registry)."""
from flask_appbuilder.security.sqla import models as _fab_security  # noqa: F401

from app.core.attachments import Attachment  # noqa: F401
from app.core.audit import AuditEntry  # noqa: F401
from app.core.customfields import CustomField  # noqa: F401
from app.core.numbering import NumberSequence  # noqa: F401
from app.core.screenregisters import ScreenRecord, ScreenRegister  # noqa: F401
from app.core.outbox import OutboxMessage  # noqa: F401
from app.core.signing import SignatureDelegation, SignatureStep  # noqa: F401
from app.security.models import LoginFailure, UserAccount, UserSession  # noqa: F401
from app.settings.models import Setting  # noqa: F401
from app.notify.models import Notification  # noqa: F401
from app.registers import load_all

load_all()
