/*-------------------------------------------------------------------------
 *
 * integrity.h
 *	  Role data naming existing rows of bound types (integrity.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_INTEGRITY_H
#define RBAC_INTEGRITY_H

#include "model.h"

extern bool rbac_row_exists(MType *t, const char *id);
extern void rbac_require_row(MType *t, const char *id, const char *what);

#endif							/* RBAC_INTEGRITY_H */
