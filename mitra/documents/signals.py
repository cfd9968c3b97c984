"""Signals other apps listen to.

`document_issued` is sent inside the transaction that issues a document,
after its row and files exist, with `document` (the new IssuedDocument),
`source` (the object it was issued from) and `previous` (the version it
supersedes, or None). A receiver that raises rolls the issue back, so the
records register can register every issued document or none.
"""

from django.dispatch import Signal

document_issued = Signal()
