# pg_rbac -- PGXS build.
#
#   make                 build (warning-free under -Wall -Wextra)
#   make install         install into the PostgreSQL found by pg_config
#   make installcheck    pg_regress against a running server
#   make prove-tap       TAP tests (tests/t/*.pl) against the installed
#                        extension, in clusters of their own; as any user
#                        but root, in a tree that user can write;
#                        PROVE_TESTS=tests/t/FILE.pl runs one
#   make check-cycles    no include or call cycle between the files of src/,
#                        none over 1,500 lines (scripts/check_cycles.py)
#   scripts/test.sh      everything: deps, build, pg_regress on a temporary
#                        instance, TAP tests (what README.md and .ci/run use)

EXTENSION  = pg_rbac
EXTVERSION = 0.3

MODULE_big = pg_rbac
OBJS = \
	src/policy_util.o \
	src/lexer.o \
	src/parser.o \
	src/parser_rules.o \
	src/parser_tests.o \
	src/validate.o \
	src/validate_names.o \
	src/validate_rules.o \
	src/validate_cycles.o \
	src/validate_tests.o \
	src/policy_test.o \
	src/policy_test_body.o \
	src/tabling.o \
	src/util.o \
	src/run_as.o \
	src/audit.o \
	src/pg_rbac.o \
	src/policy_backend.o \
	src/actor.o \
	src/jwk.o \
	src/jwt.o \
	src/policy_api.o \
	src/test_policy.o \
	src/graph.o \
	src/model.o \
	src/plannable.o \
	src/lookup.o \
	src/actorset.o \
	src/horizon.o \
	src/rowcache.o \
	src/refs.o \
	src/sqlgen.o \
	src/eval.o \
	src/check.o \
	src/holds.o \
	src/explain.o \
	src/keyset.o \
	src/sets.o \
	src/rls_runtime.o \
	src/rls_estimate.o \
	src/rls_join.o \
	src/rls.o \
	src/roledata.o \
	src/roledata_assign.o \
	src/roledata_groups.o \
	src/roledata_custom.o \
	src/roledata_view.o \
	src/bind.o \
	src/admin.o \
	src/integrity.o

# The install script of the current version is made of the parts in
# src/sql/ in name order: NN_x.dat declares the C functions of part NN as
# data (scripts/gen_install.pl writes their SQL), NN_x.sql the rest.  Released versions keep their install script
# frozen in sql_released/ (never edited); every SQL change since the last
# release also goes into the upgrade script $(EXTENSION)--OLD--$(EXTVERSION).sql
# (tests/t/070_upgrade.pl checks both; docs/operations.md#upgrades).
SQL_PARTS  = $(sort $(wildcard src/sql/*.sql src/sql/*.dat))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA       = $(filter-out sql_released/$(DATA_built),$(wildcard sql_released/$(EXTENSION)--*.sql)) \
	$(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*--*.sql))

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=. --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src
# Warnings for gcc (clang builds the JIT bitcode with CPPFLAGS only).
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -Wno-cast-function-type -Wno-clobbered
# OpenSSL's libcrypto: RS256 and ES256 token signatures (src/jwt.c).
SHLIB_LINK = -lcrypto

EXTRA_CLEAN = results regression.diffs regression.out tmp_check log

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# TAP tests through PGXS's prove_installcheck (it needs a PostgreSQL built
# with --enable-tap-tests, as Debian's is); the tests read the source tree
# from RBAC_SRC.
PROVE_TESTS ?= tests/t/*.pl
prove-tap: export RBAC_SRC = $(abspath $(srcdir))
prove-tap:
	$(prove_installcheck)
.PHONY: prove-tap

# PGXS tracks no header dependencies here: rebuild everything when one changes.
$(OBJS): $(wildcard src/*.h)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) scripts/gen_install.pl
	perl $(srcdir)/scripts/gen_install.pl $(SQL_PARTS) > $@.tmp
	mv $@.tmp $@

# The structure of src/ (HACKING.md): builds the objects, then reads their
# symbols with nm and the #include lines of every file.
check-cycles: $(OBJS)
	python3 $(srcdir)/scripts/check_cycles.py $(srcdir)/src
.PHONY: check-cycles
