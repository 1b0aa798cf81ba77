"""From an accepted record to its documents in the outbox, and the publication gate.

``prepare`` decides the reference and renders the documents, one builder per form type;
``outbox`` places them (DRAFT or clean) and publishes to ``outbox/publish/``; ``gate``
says what a policy still needs before publication; ``changes`` compares a new version with
the one before (and serves ``pipeline diff``); ``signoff`` takes a change type and sign-off
level managers typed in the register (read by register/typed) and reopens the gate.
May import: the stages below (assemble, convert, pdf, journal, register, validate, ...), workspace.
"""
