/*-------------------------------------------------------------------------
 *
 * audit.h
 *	  The audit log (audit.c): the one writer of rbac.audit_log rows, the
 *	  JSON object builder of their detail, and the append-only trigger.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_AUDIT_H
#define RBAC_AUDIT_H

#include "postgres.h"

#include "lib/stringinfo.h"

/*
 * A JSON object under construction: rbac_json_begin() opens it, the
 * rbac_json_* calls append members, rbac_json_end() (or rbac_audit) closes it.
 */
extern StringInfo rbac_json_begin(void);
extern void rbac_json_string(StringInfo obj, const char *key, const char *value);
extern void rbac_json_int(StringInfo obj, const char *key, int64 value);
extern void rbac_json_raw(StringInfo obj, const char *key, const char *json);
extern void rbac_json_strings(StringInfo obj, const char *key, char **items, int n);
extern char *rbac_json_end(StringInfo obj);

extern void rbac_audit(Oid caller, const char *operation, StringInfo detail);

#endif							/* RBAC_AUDIT_H */
