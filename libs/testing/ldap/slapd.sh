#!/usr/bin/env bash
# A throwaway OpenLDAP (Debian's slapd) for Moderato's tests, on a high loopback port with its
# own data directory under /tmp: the config is slapd.conf.in, the people fixture.ldif (slapadd),
# the groups groups.ldif (ldapadd, so the memberof overlay fills memberOf).
#
#   slapd.sh start    start it unless it answers already (idempotent, safe to run concurrently)
#   slapd.sh stop     stop it and remove its data
#   slapd.sh status   exit 0 when it answers
#
# LDAP_TEST_PORT (default 38389) chooses the port. Needs: apt-get install slapd ldap-utils.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PORT="${LDAP_TEST_PORT:-38389}"
URL="ldap://127.0.0.1:${PORT}/"
DIR="/tmp/moderato-test-ldap-${PORT}"
ROOT_DN="cn=admin,dc=school,dc=test"
ROOT_PW="admin-secret"
PATH="$PATH:/usr/sbin:/sbin"

answers() { ldapsearch -x -H "$URL" -D "$ROOT_DN" -w "$ROOT_PW" -b "cn=7b,ou=groups,dc=school,dc=test" -s base -o nettimeout=2 dn >/dev/null 2>&1; }

stop() {
  if [ -f "$DIR/slapd.pid" ]; then
    local pid
    pid="$(cat "$DIR/slapd.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
}

start() {
  answers && return 0
  command -v slapd >/dev/null || { echo "slapd is not installed (apt-get install slapd ldap-utils)" >&2; exit 1; }
  command -v ldapadd >/dev/null || { echo "ldap-utils is not installed (apt-get install ldap-utils)" >&2; exit 1; }
  stop
  mkdir -p "$DIR/data"
  sed "s|@DIR@|$DIR|g" "$HERE/slapd.conf.in" > "$DIR/slapd.conf"
  slapadd -q -f "$DIR/slapd.conf" -l "$HERE/fixture.ldif" >"$DIR/slapadd.log" 2>&1 || { cat "$DIR/slapadd.log" >&2; exit 1; }
  # 9>&-: the daemon must not inherit (and so hold forever) the start lock.
  slapd -f "$DIR/slapd.conf" -h "$URL" >"$DIR/slapd.log" 2>&1 9>&- </dev/null || { cat "$DIR/slapd.log" >&2; exit 1; }
  for _ in $(seq 1 100); do
    ldapsearch -x -H "$URL" -D "$ROOT_DN" -w "$ROOT_PW" -b "dc=school,dc=test" -s base -o nettimeout=1 dn >/dev/null 2>&1 && break
    sleep 0.1
  done
  ldapadd -x -H "$URL" -D "$ROOT_DN" -w "$ROOT_PW" -f "$HERE/groups.ldif" >"$DIR/ldapadd.log" 2>&1 || { cat "$DIR/ldapadd.log" >&2; exit 1; }
  answers || { echo "slapd did not come up on $URL" >&2; exit 1; }
}

case "${1:-}" in
  start)
    # One start at a time (test files run in parallel).
    exec 9>"/tmp/moderato-test-ldap-${PORT}.lock"
    flock 9
    start
    ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
