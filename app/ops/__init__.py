"""Operations commands: ``flask backup create|restore`` and ``flask kvkk anonymize``.

Registered in :func:`app.cli.init_app`; the work is done by plain functions
(:func:`app.ops.backup.create_backup`, :func:`app.ops.backup.restore_backup`,
:func:`app.ops.kvkk.anonymize`) so tests and scripts can call them directly.
"""
