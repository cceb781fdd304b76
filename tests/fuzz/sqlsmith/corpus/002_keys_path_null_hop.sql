-- issue 11, finding 4: a NULL element in rbac._keys_path's path (SIGSEGV)
SELECT rbac._keys_path('Issue', ARRAY[NULL]::text[], 'read', NULL::int);
SELECT rbac._keys_path('Issue', ARRAY['repository', NULL], 'read', NULL::int);
SELECT rbac_fuzz.keys_path_int('Issue', '{NULL,parent}', 'member');
