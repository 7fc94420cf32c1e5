/* OpenBLAS's own SGEMM figure, for comparison with the .NET binding in the same run.
 * Usage: sgemm_bench M N K REPEATS  -> times C(MxN) = A(MxK) * B(KxN), row-major, no transposes,
 * one warm-up call, then prints the best and median seconds and GFLOP/s as key=value pairs.
 * Threads and core type come from OPENBLAS_NUM_THREADS / OPENBLAS_CORETYPE (the harness passes
 * the values its own binding uses). cblas.h may be absent (only libopenblas0-pthread installed),
 * so the few entry points are declared here. Build: gcc -O2 sgemm_bench.c -o sgemm_bench
 * /usr/lib/x86_64-linux-gnu/libopenblas.so.0 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RowMajor = 101, NoTrans = 111 };
void cblas_sgemm(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s M N K REPEATS\n", argv[0]); return 2; }
    long m = atol(argv[1]), n = atol(argv[2]), k = atol(argv[3]);
    int repeats = atoi(argv[4]);
    if (m <= 0 || n <= 0 || k <= 0 || repeats <= 0) { fprintf(stderr, "sizes and repeats must be positive\n"); return 2; }
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
    double *times = malloc(sizeof(double) * repeats);
    if (!a || !b || !c || !times) { fprintf(stderr, "out of memory\n"); return 1; }
    srand(42);
    for (long i = 0; i < m * k; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    for (long i = 0; i < k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;

    cblas_sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n); /* warm-up */
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        cblas_sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        times[r] = now() - t0;
    }
    qsort(times, repeats, sizeof(double), compare);
    double flops = 2.0 * m * n * k, best = times[0], median = times[repeats / 2];
    printf("corename=%s\nthreads=%d\nconfig=%s\nbest_seconds=%.6f\nmedian_seconds=%.6f\nbest_gflops=%.3f\nmedian_gflops=%.3f\ncheck=%.6f\n",
           openblas_get_corename(), openblas_get_num_threads(), openblas_get_config(), best, median,
           flops / best * 1e-9, flops / median * 1e-9, c[0] + c[m * n - 1]);
    free(a); free(b); free(c); free(times);
    return 0;
}
