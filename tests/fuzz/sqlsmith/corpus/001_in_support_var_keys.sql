-- issue 11, finding 3: rbac._in_support offered "col = ANY(keys)" as an
-- index condition when keys referenced the scanned relation (SIGSEGV)
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, ARRAY[c.oid], 'x');
SELECT count(*) FROM pg_class c WHERE rbac._in(c.oid, (SELECT array_agg(c2.oid) FROM pg_class c2 WHERE c2.oid = c.oid), 'x');
SELECT count(*) FROM issues i WHERE rbac_fuzz.in_int(i.repo_id, ARRAY[i.id, i.repo_id], 'k|Repository|read');
RESET enable_seqscan;
RESET enable_bitmapscan;
