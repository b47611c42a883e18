# Sourced by bench/run and bench/scale: measured runs on a machine that may be busy. Every run
# waits for a quiet machine first, and counts the CPU that processes other than
# the server under test and the load generator used meanwhile; a run that met
# such load is done again. The caller sets: work (a temp dir), max_other,
# quiet_timeout, retries, and server_pids NAME (prints the pids that count as
# that server). Results go to rps_list[KEY], p50_list[KEY], p99_list[KEY] (space-
# separated, one value per run) and errors[KEY]; had_errors and noisy are set to 1
# when a run had errors or stayed noisy.

had_errors=0
noisy=0
declare -A rps_list=() p50_list=() p99_list=() errors=()

# CPU seconds of the whole machine: user nice system irq softirq steal (process
# times include the softirq work they cause).
machine_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat
}
# The CPU seconds of PIDS, threads and reaped children included: PostgreSQL forks a
# backend per connection and reaps it, so its server's CPU is the postmaster's
# children's plus its live processes'.
process_cpu() {  # pids...
  local pid total=0
  for pid in "$@"; do
    total=$(awk -v hz="$(getconf CLK_TCK)" -v t="$total" \
      '{sub(/^.*\) /, ""); printf "%.2f", t + ($12 + $13 + $14 + $15) / hz}' "/proc/$pid/stat" 2>/dev/null ||
      echo "$total")
  done
  echo "$total"
}
children_cpu() {  # sets children_seconds: the CPU of this shell's finished children (wrk)
  times >"$work/times"  # in this shell: `times` in a pipe or $(...) would see a subshell's
  children_seconds=$(awk 'NR == 2 {gsub(/[ms]/, " "); printf "%.2f", $1 * 60 + $2 + $3 * 60 + $4}' "$work/times")
}

# Before each run: wait (up to quiet_timeout) until the machine has been quiet for
# a second, the servers being idle then.
wait_quiet() {
  local waited=0 before after busy
  while :; do
    before=$(machine_cpu)
    sleep 1 &
    wait $!
    after=$(machine_cpu)
    busy=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", (a - b) * 100}')
    [ "$busy" -gt "$max_other" ] || return 0
    [ "$waited" -lt "$quiet_timeout" ] || { echo "  (still $busy% busy after ${waited}s: measuring anyway)"; return 0; }
    [ "$waited" -gt 0 ] || echo "  (machine busy, $busy% of a core: waiting up to ${quiet_timeout}s for quiet)"
    waited=$((waited + 1))
  done
}

# One load run: `command...` in the background (a signal then ends the script at
# once), its output in OUT. Sets run_failed (the command's exit) and run_other:
# the other load it met, in % of a core.
load_run() {  # server out command...
  local server=$1 out=$2 pids start machine0 server0 load0
  shift 2
  read -ra pids <<<"$(server_pids "$server")"
  start=$(date +%s.%N) machine0=$(machine_cpu) server0=$(process_cpu "${pids[@]}")
  children_cpu
  load0=$children_seconds
  run_failed=0
  "$@" >"$out" 2>&1 &
  load_pid=$!
  wait "$load_pid" || run_failed=1
  load_pid=""
  children_cpu
  read -ra pids <<<"$(server_pids "$server")"  # again: processes started during the run count too
  run_other=$(awk -v m="$(machine_cpu)" -v m0="$machine0" -v s="$(process_cpu "${pids[@]}")" -v s0="$server0" \
    -v w="$children_seconds" -v w0="$load0" -v t="$(date +%s.%N)" -v t0="$start" \
    'BEGIN {o = ((m - m0) - (s - s0) - (w - w0)) / (t - t0) * 100; printf "%.0f", (o < 0 ? 0 : o)}')
}

# A run done again (up to retries times) while it meets other load; the
# discarded ones are shown. Sets run_note.
quiet_run() {  # label server out command...
  local label=$1 attempt
  shift
  run_note=""
  for attempt in $(seq 0 "$retries"); do
    wait_quiet
    load_run "$@"
    [ "$run_other" -gt "$max_other" ] || return 0
    if [ "$attempt" -lt "$retries" ]; then
      printf '%-36s discarded: other load %s%% of a core\n' "$label" "$run_other"
    else
      noisy=1
      run_note="  [other load: unreliable]"
    fi
  done
}

# wrk's latency ("812.00us", "1.20ms", "2.00s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n}'
}

# One measured wrk run (wrk_cmd, with --latency) against SERVER's URL: prints a
# line, records req/s and latency under KEY. Errors (non-2xx, socket errors, wrk
# failing) flag the run, the key and the exit status.
measure() {  # key server url round
  local key=$1 server=$2 url=$3 round=$4 out
  out="$work/wrk-${key//[^a-z0-9]/_}-$server-$round.txt"
  local flags="" rps non2xx socket latency p50 p99
  quiet_run "$key round $round $server" "$server" "$out" "${wrk_prefix[@]}" "${wrk_cmd[@]}" --latency \
    "-d$duration" "$url"
  [ "$run_failed" = 0 ] || flags+=" wrk-failed"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  latency=$(awk '$1 == "Latency" {print $2; exit}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  socket=$(sed -n 's/^ *Socket errors: //p' "$out")
  [ -n "$rps" ] || { flags+=" no-result"; rps=0; }
  [ -z "$non2xx" ] || flags+=" non-2xx=$non2xx"
  [ -z "$socket" ] || flags+=" socket-errors($socket)"
  printf '%-26s round %d  %-10s %8.0f req/s  latency %-8s p99 %-8s others %3s%%%s%s\n' "$key" "$round" \
    "$server" "$rps" "${latency:-?}" "${p99:-?}" "$run_other" "${flags:+  ERRORS:$flags}" "$run_note"
  if [ -n "$flags" ]; then
    had_errors=1
    errors[$key/$server]=1
    sed -e 's/^/    | /' "$out"
  fi
  rps_list[$key/$server]+="$rps "
  p50_list[$key/$server]+="$(to_ms "${p50:-0}") "
  p99_list[$key/$server]+="$(to_ms "${p99:-0}") "
}

# A reference run (a command printing its own figure): VALUE_AWK extracts the
# figure from the output. Recorded as rps_list[KEY/NAME].
reference() {  # key name server value_awk round command...
  local key=$1 name=$2 server=$3 value_awk=$4 round=$5 out value
  shift 5
  out="$work/ref-$name-$round.txt"
  quiet_run "$key round $round $name" "$server" "$out" "$@"
  value=$(awk "$value_awk" "$out")
  if [ "$run_failed" != 0 ] || [ -z "$value" ]; then
    had_errors=1
    errors[$key/$name]=1
    printf '%-26s round %d  %-10s failed:\n' "$key" "$round" "$name"
    sed -e 's/^/    | /' "$out"
    value=0
  fi
  printf '%-26s round %d  %-10s %8.0f /s%s\n' "$key" "$round" "$name" "$value" "$run_note"
  rps_list[$key/$name]+="$value "
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{v[NR] = $1} END {
  if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v r="$1" -v g="$2" 'BEGIN {print (r >= g ? "met" : "NOT met")}'; }
