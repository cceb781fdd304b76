# Shared settings for the scripts in this folder (sourced, not run).
#
# RBAC_PRIVATE=NAME gives a developer (or a parallel helper) a private
# PostgreSQL installation copy under /opt/pg-NAME and a private build
# directory, so several builds and test runs can share one machine.
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${RBAC_PRIVATE:-}" ]; then
    PRIV=/opt/pg-$RBAC_PRIVATE
    if [ ! -x "$PRIV/usr/lib/postgresql/15/bin/pg_config" ]; then
        mkdir -p "$PRIV/usr/lib/postgresql" "$PRIV/usr/share/postgresql"
        cp -a /usr/lib/postgresql/15 "$PRIV/usr/lib/postgresql/"
        cp -a /usr/share/postgresql/15 "$PRIV/usr/share/postgresql/"
    fi
    PG_CONFIG=$PRIV/usr/lib/postgresql/15/bin/pg_config
    BUILD_DIR=/tmp/pg_rbac-build-$RBAC_PRIVATE
else
    PG_CONFIG=${PG_CONFIG:-pg_config}
    BUILD_DIR=$SRC_DIR
fi
export PG_CONFIG
BINDIR=$($PG_CONFIG --bindir)
PGXS_DIR=$(dirname "$($PG_CONFIG --pgxs)")/..
PG_REGRESS=$PGXS_DIR/test/regress/pg_regress
PERL_TEST_DIR=$PGXS_DIR/test/perl

# Run a command as the postgres OS user (initdb refuses root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Build warning-free (warnings are errors here) and install.
build_and_install() {
    if [ "$BUILD_DIR" != "$SRC_DIR" ]; then
        mkdir -p "$BUILD_DIR"
        (cd "$SRC_DIR" && tar --exclude=.git --exclude='*.o' --exclude='*.so' -cf - .) | (cd "$BUILD_DIR" && tar -xf -)
    fi
    (cd "$BUILD_DIR" && make -s clean >/dev/null && make -s COPT=-Werror >/dev/null && make -s install >/dev/null)
}
