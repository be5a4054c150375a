# Sourced by the benchmarks, not run. The hypervisor's steal: CPU time this virtual machine's cores were owed but the
# host gave to another guest (the 8th value of /proc/stat's cpu line). It lengthens wall times, not CPU times.
# steal_ticks: the steal so far and all ticks but guest time. steal_percent S0 T0 S1 T1: the share stolen between two
# readings of steal_ticks, in percent with one decimal.
steal_ticks() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
steal_percent() { awk -v s=$(($3 - $1)) -v t=$(($4 - $2)) 'BEGIN { printf "%.1f", (t > 0 ? 100 * s / t : 0) }'; }
