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
    if [ ! -d "$PRIV/usr/include/postgresql" ]; then
        mkdir -p "$PRIV/usr/include"
        cp -a /usr/include/postgresql "$PRIV/usr/include/"
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

# Build warning-free (warnings are errors here) and install.  RBAC_COPT
# adds compiler and linker flags (scripts/test.sh asan: sanitizers).
build_and_install() {
    if [ "$BUILD_DIR" != "$SRC_DIR" ]; then
        mkdir -p "$BUILD_DIR"
        (cd "$SRC_DIR" && tar --exclude=.git --exclude='*.o' --exclude='*.so' -cf - .) | (cd "$BUILD_DIR" && tar -xf -)
    fi
    (cd "$BUILD_DIR" && make -s clean >/dev/null && make -s COPT="-Werror ${RBAC_COPT:-}" >/dev/null && make -s install >/dev/null)
}

# Start a throwaway cluster in DIR on PORT (socket in DIR too), as postgres.
# Extra postgresql.conf lines may follow as arguments.
cluster_start() {
    local dir=$1 port=$2
    shift 2
    mkdir -p "$dir"
    chown postgres "$dir" 2>/dev/null || true
    as_pg "$BINDIR/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    {
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "listen_addresses = ''"
        echo "fsync = off"
        echo "shared_buffers = 512MB"
        for line in "$@"; do echo "$line"; done
    } >> "$dir/data/postgresql.conf"
    as_pg "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
}

# Stop the cluster started by cluster_start and remove it.
cluster_stop() {
    local dir=$1
    as_pg "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
