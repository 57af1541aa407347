#!/usr/bin/env bash
# bench.sh: time the whole swarmlint CLI, cold process, SARIF output, all
# default rules, on generated stacks (internal/stackgen) of 30, 1,000 and
# 10,000 services, and report the median wall time and the peak RSS. When
# conftest is installed it runs, in the same run and on the same files, four
# hand-written Rego rules equivalent to SWL101, SWL103, SWL211 and SWL301
# (scripts/bench/conftest-policy). docs/performance.md has the method and
# the results.
#
#   scripts/bench.sh                 # 30 1000 10000 services
#   scripts/bench.sh 1000            # one size
#   RUNS_SMALL=50 scripts/bench.sh   # more runs (defaults: 30 / 10 / 5)
#
# Timing uses hyperfine (Debian package `hyperfine`) when it is on PATH,
# else a loop with /usr/bin/time; peak RSS always comes from /usr/bin/time
# (the maximum over the runs). The machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(30 1000 10000)
runs_for() {
	if [ "$1" -le 100 ]; then echo "${RUNS_SMALL:-30}"
	elif [ "$1" -le 2000 ]; then echo "${RUNS_MEDIUM:-10}"
	else echo "${RUNS_LARGE:-5}"; fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/swarmlint" ./cmd/swarmlint
go build -o "$work/stackgen" ./internal/stackgen/cmd/stackgen
conftest=$(command -v conftest || true)
[ -n "$conftest" ] || [ ! -x "$(go env GOPATH)/bin/conftest" ] || conftest="$(go env GOPATH)/bin/conftest"
hyperfine=$(command -v hyperfine || true)
if [ ! -x /usr/bin/time ]; then
	echo "bench.sh: /usr/bin/time is needed for the peak RSS (Debian package: time)" >&2
	exit 2
fi

echo "# swarmlint CLI benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM"
echo "- $(go version | cut -d' ' -f3-), swarmlint $(git describe --always --dirty 2>/dev/null || echo '?')"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timer="a /usr/bin/time loop"
[ -z "$hyperfine" ] || timer="$("$hyperfine" --version)"
versions="not installed (go install github.com/open-policy-agent/conftest@latest)"
[ -z "$conftest" ] || versions="$("$conftest" --version | tr '\n' ' ')"
echo "- timing: $timer; conftest: $versions"
echo
echo "| services | lines | tool | median ms | min ms | max ms | peak RSS MB | runs | exit |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|"

# row SIZE TOOL RUNS CMD...: time CMD (stdout discarded) and print a table row.
row() {
	local n=$1 tool=$2 runs=$3
	shift 3
	local median min max exit rss=0
	if [ -n "$hyperfine" ]; then
		"$hyperfine" -N -i --style none --warmup 1 --runs "$runs" --export-csv "$work/h.csv" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
		# command,mean,stddev,median,user,system,min,max (seconds)
		read -r median min max < <(awk -F, 'NR==2 {printf "%.0f %.0f %.0f\n", $4*1000, $7*1000, $8*1000}' "$work/h.csv")
	else
		: >"$work/times"
		for _ in $(seq "$runs"); do
			/usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>&1 || true
			tail -1 "$work/t" >>"$work/times"
		done
		read -r median min max < <(sort -n "$work/times" | awk '{a[NR]=$1} END {printf "%.0f %.0f %.0f\n", a[int((NR+1)/2)]*1000, a[1]*1000, a[NR]*1000}')
	fi
	for _ in 1 2 3; do
		/usr/bin/time -f '%M' -o "$work/m" "$@" >/dev/null 2>&1 || true
		local m
		m=$(tail -1 "$work/m")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	exit=0
	"$@" >/dev/null 2>&1 || exit=$?
	echo "| $n | $(wc -l <"$work/stack-$n.yml") | $tool | $median | $min | $max | $((rss / 1024)) | $runs | $exit |"
}

for n in "${sizes[@]}"; do
	"$work/stackgen" -n "$n" >"$work/stack-$n.yml"
	runs=$(runs_for "$n")
	row "$n" swarmlint "$runs" "$work/swarmlint" --format sarif "$work/stack-$n.yml"
	if [ -n "$conftest" ]; then
		row "$n" "conftest (4 rules)" "$runs" "$conftest" test --no-color -p scripts/bench/conftest-policy "$work/stack-$n.yml"
	fi
done
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
