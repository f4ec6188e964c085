-- 0005: which audit entries "Undo last change" has dealt with, so undo keeps walking back
-- across app restarts and separate `shelf undo` runs. Before, the list lived in memory: after
-- a restart the next undo found the previous undo's own entry and reversed it (a redo).
--
-- Both the reversed entry and the entries the undo itself wrote are listed. Bookkeeping, not a
-- seller's data: no audit triggers; the audit log keeps every change either way.
CREATE TABLE undo_log (
  audit_id INTEGER PRIMARY KEY NOT NULL
    REFERENCES audit_log (id) ON DELETE RESTRICT,
  role TEXT NOT NULL
    CONSTRAINT undo_role_known CHECK (role IN ('reversed', 'written_by_undo'))
) STRICT;
