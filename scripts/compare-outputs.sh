#!/usr/bin/env bash
# compare-outputs.sh: build swarmlint at a git revision and from the work
# tree, run both on every fixture file and every corpus file
# (../shared/corpus, when present) with `inspect` and with the JSON and
# SARIF reports, and compare the outputs and exit codes byte for byte.
# Performance work must leave every output unchanged (docs/performance.md).
#
#   scripts/compare-outputs.sh            # against main
#   scripts/compare-outputs.sh 93ab4fb    # against a commit
#   FULL_COMPILE=1 scripts/compare-outputs.sh HEAD
#                                         # the revision built without its
#                                         # compiled-policy snapshot (every
#                                         # run compiles the policies)
#
# Prints one line per difference and a summary; exits 1 if any output
# differs.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-main}

work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach -q "$work/src" "$ref"
if [ -n "${FULL_COMPILE:-}" ]; then
	: >"$work/src/rules/compiled_policies.bin" # unreadable: rules.New compiles
fi
(cd "$work/src" && go build -o "$work/before" ./cmd/swarmlint)
go build -o "$work/after" ./cmd/swarmlint

files=()
while IFS= read -r f; do files+=("$f"); done < <(find fixtures -name '*.yml' -o -name '*.yaml' | sort)
corpus=""
for c in ../shared/corpus ../../shared/corpus; do
	[ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
done
if [ -n "$corpus" ]; then
	while IFS= read -r f; do files+=("$f"); done < <(find "$corpus" -name '*.yml' -o -name '*.yaml' | sort)
else
	echo "compare-outputs.sh: ../shared/corpus not found; fixtures only" >&2
fi

outputs=0 diffs=0
for f in "${files[@]}"; do
	for mode in inspect json sarif; do
		for bin in before after; do
			case $mode in
			inspect) args=(inspect "$f") ;;
			*) args=(--format "$mode" "$f") ;;
			esac
			code=0
			"$work/$bin" "${args[@]}" >"$work/$bin.out" 2>"$work/$bin.err" || code=$?
			echo "exit $code" >>"$work/$bin.out"
		done
		outputs=$((outputs + 1))
		if ! cmp -s "$work/before.out" "$work/after.out" || ! cmp -s "$work/before.err" "$work/after.err"; then
			diffs=$((diffs + 1))
			echo "differs: $mode $f"
		fi
	done
done
echo "$outputs outputs compared ($ref${FULL_COMPILE:+ without its snapshot} against the work tree), $diffs differ"
[ "$diffs" -eq 0 ]
