# The statistics of the benchmark scripts, in one place. Loaded ahead of the program that uses it:
#   awk -f bench/stats.awk -f bench/table-row.awk ...      (bench/run.sh, the results table)
#   median [printf-format] < numbers                       (bench/lib.sh; run.sh and native/measure.sh)
# bench/test-stats.sh checks it.

# median(a, n): the median of a[1..n], which it sorts in place (insertion sort: n is a handful of runs); the
# mean of the two middle values when n is even; empty when n is 0.
function median(a, n,   i, j, x) {
    if (n < 1) return ""
    for (i = 2; i <= n; i++) {
        x = a[i]
        for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
        a[j + 1] = x
    }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
