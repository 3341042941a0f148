# One row of bench/run.sh's floor table (table.md) from runs.tsv: for one build (jvm or native), workload and
# algorithm, the median req/s and CPU-µs per request of the two floors (bench/floors) and of edge-proxy tuned
# and in its default configuration, then edge-proxy's CPU per request over the Vert.x floor's (the layer it
# stands on) and the default configuration's over the tuned one's.
#   awk -F'\t' -v b=BUILD -v w=WORKLOAD -v alg=ALG -v tck=CLK_TCK -f bench/stats.awk -f bench/floor-table.awk runs.tsv
# runs.tsv columns: see bench/table-row.awk
NR > 1 && $3 == w && $4 == alg {
    k = $2
    n[k]++
    rps[k, n[k]] = $5 / ($12 / 1e6)
    cpu[k, n[k]] = ($10 * 1e6 / tck) / $5
}
function med(k, what,   tmp, i) {
    if (!(k in n)) return ""
    for (i = 1; i <= n[k]; i++) tmp[i] = (what == "rps") ? rps[k, i] : cpu[k, i]
    return median(tmp, n[k])
}
function cell(k) {
    return (k in n) ? sprintf("%.0f (%.1f)", med(k, "rps"), med(k, "cpu")) : "-"
}
function ratio(a, b) {
    return (a in n && b in n) ? sprintf("%.2f", med(a, "cpu") / med(b, "cpu")) : "-"
}
END {
    netty = "floor-netty-" b; vertx = "floor-vertx-" b; edge = "edge-" b; dflt = "edge-" b "-default"
    if (!(netty in n) && !(vertx in n) && !(edge in n)) exit
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", b, w, alg, cell(netty), cell(vertx), cell(edge),
        cell(dflt), ratio(vertx, netty), ratio(edge, vertx), ratio(dflt, edge)
}
