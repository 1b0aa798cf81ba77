"""From an accepted record to its documents in the outbox, and the publication gate.

``prepare`` decides the reference and renders the documents, one builder per form type;
``outbox`` places them (DRAFT or clean) and publishes to ``outbox/publish/``; ``gate``
says what a policy still needs before publication; ``changes`` compares a new version with
the one before (and serves ``pipeline diff``).
May import: the stages below (assemble, convert, pdf, journal, validate, ...), workspace.
"""
