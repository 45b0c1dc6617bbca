/*
 * The plain C loop Uptake's kernel is measured against (docs/performance.md,
 * "Against a plain C loop"): the network Bass rule on a small-world graph,
 * written the way one would write it by hand, with nothing else.
 *
 *   - the same counter RNG as Uptake (SplitMix64's finaliser applied once per
 *     key component: seed, stream, tick, firm), so draws are a pure function
 *     of (seed, tick, firm, stream) as in the kernel;
 *   - Watts-Strogatz: ring ties (i, i+1 .. i+degree/2), each rewired with
 *     probability `rewire` to a uniform far end (self-ties and repeats are
 *     dropped when the rows are built, so the graph is simple);
 *   - compressed sparse rows of 32-bit ids;
 *   - adopted-neighbour counts pushed when a firm adopts (as the kernel does);
 *   - the adoption probability 1 - exp(-(p + q a / d)) from a table indexed
 *     by (adopted neighbours, degree), since both are small integers.
 *
 * It does not draw the population's attributes (sector, size, innovativeness,
 * budget), categories or a tally by segment: those are what Uptake adds on top
 * of the rule, and the ratio printed by run.sh is the price of them.
 *
 *   cc -O2 -o bass bass.c -lm && ./bass 1000000 100     # firms ticks [degree p q seed]
 *
 * Prints the adopters after the last tick.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) for one (tick, firm, stream, draw) counter, as CounterRNG.uniform. */
static inline double uniform(uint64_t seed, int64_t tick, int64_t firm, uint64_t stream, uint64_t draw) {
    uint64_t h = mix(seed ^ (stream * 0xD6E8FEB86659FD93ull));
    h = mix(h ^ (uint64_t)tick);
    h = mix(h ^ (uint64_t)firm);
    if (draw != 0) h = mix(h ^ draw);
    return (double)(h >> 11) * 0x1.0p-53;
}

enum { STREAM_NETWORK = 8, STREAM_REWIRE = 9, STREAM_BASS = 26 };

static void *must(void *p) {
    if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
    return p;
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? atoll(argv[1]) : 1000000;
    int ticks = argc > 2 ? atoi(argv[2]) : 100;
    int degree = argc > 3 ? atoi(argv[3]) : 8;
    double p = argc > 4 ? atof(argv[4]) : 0.003;
    double q = argc > 5 ? atof(argv[5]) : 0.3;
    uint64_t seed = argc > 6 ? strtoull(argv[6], 0, 10) : 1;
    double rewire = 0.1;
    int half = degree / 2;

    /* Edge list of the small-world graph. */
    int64_t m = n * half;
    uint32_t *src = must(malloc(m * sizeof *src)), *dst = must(malloc(m * sizeof *dst));
    for (int64_t i = 0; i < n; i++) {
        for (int j = 1; j <= half; j++) {
            int64_t e = i * half + j - 1, draw = i * half + j;
            int64_t t = (i + j) % n;
            if (uniform(seed, -2, draw, STREAM_REWIRE, 0) < rewire) {
                t = (int64_t)(uniform(seed, -2, draw, STREAM_NETWORK, 2) * (double)n);
                if (t >= n) t = n - 1;
            }
            src[e] = (uint32_t)i;
            dst[e] = (uint32_t)t;
        }
    }
    /* Compressed sparse rows, each tie in both rows, rows sorted, repeats and self-ties dropped. */
    int64_t *offset = must(calloc(n + 1, sizeof *offset));
    for (int64_t e = 0; e < m; e++)
        if (src[e] != dst[e]) { offset[src[e] + 1]++; offset[dst[e] + 1]++; }
    for (int64_t i = 0; i < n; i++) offset[i + 1] += offset[i];
    uint32_t *row = must(malloc(offset[n] * sizeof *row));
    int64_t *cursor = must(malloc(n * sizeof *cursor));
    memcpy(cursor, offset, n * sizeof *cursor);
    for (int64_t e = 0; e < m; e++)
        if (src[e] != dst[e]) { row[cursor[src[e]]++] = dst[e]; row[cursor[dst[e]]++] = src[e]; }
    free(src);
    free(dst);
    int64_t kept = 0, start = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t end = offset[i + 1];
        qsort(row + start, end - start, sizeof *row, compare_u32);
        int64_t first = kept;
        for (int64_t k = start; k < end; k++)
            if (kept == first || row[kept - 1] != row[k]) row[kept++] = row[k];
        start = end;
        offset[i + 1] = kept;
    }
    free(cursor);

    /* Per firm: adopted flag, degree, adopted neighbours. */
    uint8_t *adopted = must(calloc(n, 1));
    int32_t *deg = must(malloc(n * sizeof *deg)), *count = must(calloc(n, sizeof *count));
    int maxdeg = 0;
    for (int64_t i = 0; i < n; i++) {
        deg[i] = (int32_t)(offset[i + 1] - offset[i]);
        if (deg[i] > maxdeg) maxdeg = deg[i];
    }
    /* Probability table: prob[d * (maxdeg + 1) + a] = 1 - exp(-(p + q a / d)). */
    double *prob = must(malloc((size_t)(maxdeg + 1) * (maxdeg + 1) * sizeof *prob));
    for (int d = 0; d <= maxdeg; d++)
        for (int a = 0; a <= maxdeg; a++)
            prob[d * (maxdeg + 1) + a] = 1 - exp(-(p + q * (d > 0 ? (double)a / d : 0)));

    uint32_t *changed = must(malloc(n * sizeof *changed));
    int64_t adopters = 0;
    for (int tick = 0; tick < ticks; tick++) {
        int64_t nchanged = 0;
        for (int64_t i = 0; i < n; i++) {
            if (adopted[i]) continue;
            if (uniform(seed, tick, i, STREAM_BASS, 0) < prob[deg[i] * (maxdeg + 1) + count[i]])
                changed[nchanged++] = (uint32_t)i;
        }
        for (int64_t c = 0; c < nchanged; c++) {
            uint32_t j = changed[c];
            adopted[j] = 1;
            for (int64_t k = offset[j]; k < offset[j + 1]; k++) count[row[k]]++;
        }
        adopters += nchanged;
    }
    printf("bass-c: %lld firms x %d ticks, degree %d: final adoption %.3f\n", (long long)n, ticks, degree,
           (double)adopters / (double)n);
    return 0;
}
