#!/usr/bin/env bash
# bench.sh: time the whole swarmlint CLI, cold process, SARIF output, all
# default rules, on generated stacks (internal/stackgen) of 30, 1,000 and
# 10,000 services, side by side with conftest running four hand-written
# Rego rules equivalent to SWL101, SWL103, SWL211 and SWL301
# (scripts/bench/conftest-policy) on the same files, and start-up
# (`swarmlint --version`) side by side with an empty Go program. Each
# comparison is one hyperfine invocation, so the commands run in the same
# minutes; the ratios are what the targets in docs/performance.md are
# about, since absolute times vary with the machine and its load.
#
#   scripts/bench.sh                 # 30 1000 10000 services
#   scripts/bench.sh 30 1000         # some sizes
#   BASE=93ab4fb scripts/bench.sh    # also swarmlint built at another revision
#   RUNS_SMALL=50 scripts/bench.sh   # more runs (defaults: 30 / 10 / 5)
#
# Needs hyperfine (Debian package `hyperfine`) and /usr/bin/time (package
# `time`, for the peak RSS, the maximum of three runs); conftest is used
# when installed (go install github.com/open-policy-agent/conftest@v0.71.1).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(30 1000 10000)
runs_for() {
	if [ "$1" -le 100 ]; then echo "${RUNS_SMALL:-30}"
	elif [ "$1" -le 2000 ]; then echo "${RUNS_MEDIUM:-10}"
	else echo "${RUNS_LARGE:-5}"; fi
}

hyperfine=$(command -v hyperfine || true)
if [ -z "$hyperfine" ] || [ ! -x /usr/bin/time ]; then
	echo "bench.sh: needs hyperfine and /usr/bin/time (Debian packages hyperfine and time)" >&2
	exit 2
fi
work=$(mktemp -d)
cleanup() {
	[ -z "${BASE:-}" ] || git worktree remove --force "$work/base-src" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/swarmlint" ./cmd/swarmlint
go build -o "$work/stackgen" ./internal/stackgen/cmd/stackgen
printf 'package main\n\nfunc main() {}\n' >"$work/empty.go"
(cd "$work" && GO111MODULE=off go build -o "$work/empty" empty.go)
if [ -n "${BASE:-}" ]; then
	git worktree add --detach -q "$work/base-src" "$BASE"
	(cd "$work/base-src" && go build -o "$work/swarmlint-base" ./cmd/swarmlint)
fi
conftest=$(command -v conftest || true)
[ -n "$conftest" ] || [ ! -x "$(go env GOPATH)/bin/conftest" ] || conftest="$(go env GOPATH)/bin/conftest"

echo "# swarmlint CLI benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM"
echo "- $(go version | cut -d' ' -f3-), swarmlint $(git describe --always --dirty 2>/dev/null || echo '?')${BASE:+, base $BASE}"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
versions="not installed (go install github.com/open-policy-agent/conftest@v0.71.1)"
[ -z "$conftest" ] || versions="$("$conftest" --version | head -1)"
echo "- timing: $("$hyperfine" --version), one invocation per row group; conftest: $versions"

# side NAME RUNS LABEL CMD [LABEL CMD...]: one hyperfine invocation over
# every command (each a string run without a shell); keeps the median, min,
# max and user+system ms of each in $work/NAME.tsv.
side() {
	local name=$1 runs=$2
	shift 2
	local labels=() cmds=()
	while [ $# -gt 0 ]; do
		labels+=("$1")
		cmds+=("$2")
		shift 2
	done
	"$hyperfine" -N -i --style none --warmup 1 --runs "$runs" --export-csv "$work/$name.csv" -- "${cmds[@]}" >/dev/null 2>&1
	# command,mean,stddev,median,user,system,min,max (seconds)
	awk -F, 'NR>1 {printf "%.1f\t%.1f\t%.1f\t%.1f\n", $4*1000, $7*1000, $8*1000, ($5+$6)*1000}' "$work/$name.csv" |
		paste <(printf '%s\n' "${labels[@]}") - >"$work/$name.tsv"
}

# median NAME LABEL: the median ms of LABEL in NAME.
median() { awk -F'\t' -v l="$2" '$1 == l {print $2}' "$work/$1.tsv"; }

# rss CMD...: peak RSS in MB, the maximum of three runs.
rss() {
	local max=0 m
	for _ in 1 2 3; do
		/usr/bin/time -f '%M' -o "$work/m" "$@" >/dev/null 2>&1 || true
		m=$(tail -1 "$work/m")
		[ "$m" -gt "$max" ] && max=$m
	done
	echo $((max / 1024))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo
echo "## Side by side"
echo
echo "| services | lines | tool | median ms | min ms | max ms | CPU ms | peak RSS MB | runs | exit |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
declare -A sl_median cf_median base_median
for n in "${sizes[@]}"; do
	stack="$work/stack-$n.yml"
	"$work/stackgen" -n "$n" >"$stack"
	runs=$(runs_for "$n")
	args=(swarmlint "$work/swarmlint --format sarif $stack")
	[ -z "${BASE:-}" ] || args+=("swarmlint $BASE" "$work/swarmlint-base --format sarif $stack")
	[ -z "$conftest" ] || args+=("conftest (4 rules)" "$conftest test --no-color -p scripts/bench/conftest-policy $stack")
	side "size-$n" "$runs" "${args[@]}"
	while IFS=$'\t' read -r label med min max cpu; do
		case $label in
		swarmlint) bin=("$work/swarmlint" --format sarif "$stack"); sl_median[$n]=$med ;;
		"swarmlint ${BASE:-}") bin=("$work/swarmlint-base" --format sarif "$stack"); base_median[$n]=$med ;;
		*) bin=("$conftest" test --no-color -p scripts/bench/conftest-policy "$stack"); cf_median[$n]=$med ;;
		esac
		exit=0
		"${bin[@]}" >/dev/null 2>&1 || exit=$?
		echo "| $n | $(wc -l <"$stack") | $label | $med | $min | $max | $cpu | $(rss "${bin[@]}") | $runs | $exit |"
	done <"$work/size-$n.tsv"
done

side startup "${RUNS_STARTUP:-50}" "swarmlint --version" "$work/swarmlint --version" "empty Go program" "$work/empty"
echo
echo "## Ratios (median wall time)"
echo
echo "| comparison | ratio | target |"
echo "|---|---:|---|"
for n in "${sizes[@]}"; do
	[ -z "${cf_median[$n]:-}" ] || {
		target="≤ 1.0"
		[ "$n" -le 100 ] || target="≤ 2.0"
		echo "| $n services: swarmlint / conftest (4 rules) | $(ratio "${sl_median[$n]}" "${cf_median[$n]}") | $target |"
	}
	[ -z "${base_median[$n]:-}" ] || echo "| $n services: swarmlint / swarmlint $BASE | $(ratio "${sl_median[$n]}" "${base_median[$n]}") | — |"
done
if [ -n "${sl_median[10000]:-}" ] && [ -n "${sl_median[1000]:-}" ]; then
	echo "| swarmlint 10,000 / 1,000 services | $(ratio "${sl_median[10000]}" "${sl_median[1000]}") | ≤ 11 |"
fi
echo "| start-up: swarmlint --version / empty Go program ($(median startup "swarmlint --version") / $(median startup "empty Go program") ms) | $(ratio "$(median startup "swarmlint --version")" "$(median startup "empty Go program")") | ≤ 3 |"
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
