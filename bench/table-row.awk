# One row of bench/run.sh's results table (table.md) from runs.tsv: the medians over the repeats of one target,
# workload and algorithm, and its req/s divided by HAProxy-JWT's and nginx's (their medians too).
#   awk -F'\t' -v t=TARGET -v w=WORKLOAD -v alg=ALG -v label=LABEL -v tck=CLK_TCK \
#       -f bench/stats.awk -f bench/table-row.awk runs.tsv
# runs.tsv columns: 1 repeat, 2 target, 3 workload, 4 alg, 5 requests, 6 p50_us, 7 p99_us, 8 non2xx,
# 9 socket_errors, 10 cpu_ticks, 11 rss_kib, 12 duration_us
NR > 1 && $3 == w && $4 == alg {
    k = $2
    n[k]++
    rps[k, n[k]] = $5 / ($12 / 1e6)
    bad[k] += $8 + $9
    if (k == t) {
        m++; p50[m] = $6 / 1000; p99[m] = $7 / 1000
        cpu[m] = ($10 * 1e6 / tck) / $5; rss[m] = $11 / 1024
    }
}
END {
    for (k in n) { delete tmp; for (i = 1; i <= n[k]; i++) tmp[i] = rps[k, i]; med[k] = median(tmp, n[k]) }
    h = ("haproxy-jwt" in med) ? sprintf("%.2f", med[t] / med["haproxy-jwt"]) : "-"
    g = ("nginx" in med) ? sprintf("%.2f", med[t] / med["nginx"]) : "-"
    note = bad[t] ? sprintf(" (%d non-2xx/errors!)", bad[t]) : ""
    printf "| %s | %s | %s | %.0f%s | %.2f | %.2f | %.1f | %.0f | %s | %s |\n",
        label, w, alg, med[t], note, median(p50, m), median(p99, m), median(cpu, m), median(rss, m), h, g
}
