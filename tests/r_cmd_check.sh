#!/bin/sh
# R CMD build + R CMD check --no-manual of the R package, in a temporary folder.
# Exits non-zero when the check reports an ERROR or a WARNING (NOTEs are fine).
# Usage: tests/r_cmd_check.sh            (from anywhere inside the repository)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lstmparity-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
R CMD build --no-build-vignettes "$root" >build.log 2>&1 || { cat build.log; exit 1; }
tarball=$(ls lstmparity_*.tar.gz)
status=0
_R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual "$tarball" >check.log 2>&1 || status=$?
cat check.log
if [ "$status" -ne 0 ] || grep -q -E '(ERROR|WARNING)$|^Status:.*(ERROR|WARNING)' check.log; then
  echo "r_cmd_check.sh: R CMD check reported an ERROR or a WARNING" >&2
  for f in lstmparity.Rcheck/00install.out lstmparity.Rcheck/tests/testthat.Rout.fail; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 60 "$f"; }
  done
  exit 1
fi
echo "r_cmd_check.sh: no ERROR or WARNING"
