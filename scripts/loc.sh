#!/usr/bin/env bash
# Lines of Swift per target, and a check that no Swift file passes 400 lines (STYLE.md: small
# files, one concept each). Exits 1 naming the files that are too long.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
for dir in Sources/* Benchmarks/*; do
    [[ -d $dir ]] || continue
    files=$(find "$dir" -name '*.swift' -o -name '*.c' -o -name '*.h' | sort)
    [[ -n $files ]] || continue
    total=$(cat $files | wc -l)
    printf '%-28s %6d lines in %3d files\n' "$(basename "$dir")" "$total" "$(echo "$files" | wc -l)"
done
while read -r f; do
    n=$(wc -l < "$f")
    if ((n > 400)); then echo "loc: $f has $n lines (limit 400): split it by concept" >&2; status=1; fi
done < <(find Sources Tests Benchmarks -name '*.swift')
exit $status
