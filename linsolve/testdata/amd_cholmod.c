/* Peer harness for the sparse direct benchmarks (not part of go test).
 *
 * Reads a symmetric matrix in Matrix Market coordinate format (either
 * "symmetric" with one triangle or "general" with both), then prints
 *   amd_lnz      nnz(L) predicted by SuiteSparse AMD (diagonal included)
 *   cholmod_*    CHOLMOD analyse / factorize / solve with AMD only
 *                (nmethods = 1, ordering = CHOLMOD_AMD), supernodal or
 *                simplicial as chosen by argv[2] ("super", "simplicial",
 *                "auto"; "amd" stops after the analysis and prints its exact nnz(L)), each timed with CLOCK_MONOTONIC; the factorize
 *                is repeated reps times (argv[3], default 3) and the
 *                minimum is reported, as wall time (CLOCK_MONOTONIC) and as
 *                process CPU time (the machine may be shared).
 * Build: gcc -O2 -I/usr/include/suitesparse amd_cholmod.c -o amd_cholmod \
 *          -lcholmod -lamd -lsuitesparseconfig -lm
 * Run with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 for a single-threaded BLAS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "amd.h"
#include "cholmod.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s file.mtx [super|simplicial|auto|amd] [reps]\n", argv[0]);
        return 2;
    }
    const char *mode = argc > 2 ? argv[2] : "super";
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 2; }
    char line[1024];
    int symmetric = 0;
    if (!fgets(line, sizeof line, f)) return 2;
    if (strstr(line, "symmetric")) symmetric = 1;
    do { if (!fgets(line, sizeof line, f)) return 2; } while (line[0] == '%');
    long m, n, nz;
    if (sscanf(line, "%ld %ld %ld", &m, &n, &nz) != 3 || m != n) { fprintf(stderr, "bad size line\n"); return 2; }
    /* Keep the lower triangle (stype = -1 for CHOLMOD). */
    cholmod_common c;
    cholmod_start(&c);
    cholmod_triplet *T = cholmod_allocate_triplet(n, n, nz, -1, CHOLMOD_REAL, &c);
    int *Ti = T->i, *Tj = T->j;
    double *Tx = T->x;
    long k = 0;
    for (long e = 0; e < nz; e++) {
        long i, j; double v;
        if (fscanf(f, "%ld %ld %lf", &i, &j, &v) != 3) { fprintf(stderr, "bad entry %ld\n", e); return 2; }
        i--; j--;
        if (i < j) { if (symmetric) { long t = i; i = j; j = t; } else continue; }
        Ti[k] = i; Tj[k] = j; Tx[k] = v; k++;
    }
    fclose(f);
    T->nnz = k;
    cholmod_sparse *A = cholmod_triplet_to_sparse(T, k, &c);
    cholmod_free_triplet(&T, &c);

    /* AMD on the full pattern of A. */
    cholmod_sparse *AT = cholmod_transpose(A, 1, &c);
    cholmod_sparse *F = cholmod_add(A, AT, NULL, NULL, 0, 0, &c); /* pattern of A+Aᵀ */
    double Control[AMD_CONTROL], Info[AMD_INFO];
    amd_defaults(Control);
    int *P = malloc(n * sizeof(int));
    double c0 = cpu();
    double t0 = now();
    int st = amd_order(n, F->p, F->i, P, Control, Info);
    double tamd = now() - t0, camd = cpu() - c0;
    printf("n %ld\nnnzA %ld\namd_status %d\namd_lnz %.0f\namd_time %.6f\namd_cpu %.6f\n", n, (long)((int *)F->p)[n], st, Info[AMD_LNZ] + n, tamd, camd);
    cholmod_free_sparse(&AT, &c);
    cholmod_free_sparse(&F, &c);

    c.nmethods = 1;
    c.method[0].ordering = CHOLMOD_AMD;
    c.postorder = 1;
    if (!strcmp(mode, "super")) c.supernodal = CHOLMOD_SUPERNODAL;
    else if (!strcmp(mode, "simplicial")) c.supernodal = CHOLMOD_SIMPLICIAL;
    else c.supernodal = CHOLMOD_AUTO;
    c.final_ll = 1;
    c0 = cpu();
    t0 = now();
    cholmod_factor *L = cholmod_analyze(A, &c);
    double tan = now() - t0, can = cpu() - c0;
    if (!strcmp(mode, "amd")) { /* ordering and analysis only (indefinite KKT matrices) */
        printf("cholmod_lnz %.0f\ncholmod_analyze %.6f\ncholmod_analyze_cpu %.6f\n", c.lnz, tan, can);
        cholmod_free_factor(&L, &c);
        cholmod_free_sparse(&A, &c);
        cholmod_finish(&c);
        free(P);
        return 0;
    }
    cholmod_dense *B = cholmod_ones(n, 1, CHOLMOD_REAL, &c);
    double tfac = 1e300, cfac = 1e300;
    for (int r = 0; r < reps; r++) {
        double c0 = cpu();
        t0 = now();
        cholmod_factorize(A, L, &c);
        double t = now() - t0, ct = cpu() - c0;
        if (t < tfac) tfac = t;
        if (ct < cfac) cfac = ct;
    }
    if (c.status != CHOLMOD_OK) { printf("cholmod_status %d\n", c.status); }
    c0 = cpu();
    t0 = now();
    cholmod_dense *X = cholmod_solve(CHOLMOD_A, L, B, &c);
    double tsol = now() - t0, csol = cpu() - c0;
    /* residual */
    double one[2] = {1, 0}, m1[2] = {-1, 0};
    cholmod_dense *R = cholmod_copy_dense(B, &c);
    cholmod_sdmult(A, 0, m1, one, X, R, &c);
    double rn = cholmod_norm_dense(R, 2, &c), bn = cholmod_norm_dense(B, 2, &c);
    printf("cholmod_is_super %d\ncholmod_lnz %.0f\ncholmod_flops %.6g\ncholmod_analyze %.6f\ncholmod_analyze_cpu %.6f\ncholmod_factor %.6f\ncholmod_solve %.6f\ncholmod_factor_cpu %.6f\ncholmod_solve_cpu %.6f\ncholmod_relres %.3g\n",
           L->is_super, c.lnz, c.fl, tan, can, tfac, tsol, cfac, csol, rn / bn);
    cholmod_free_dense(&R, &c);
    cholmod_free_dense(&X, &c);
    cholmod_free_dense(&B, &c);
    cholmod_free_factor(&L, &c);
    cholmod_free_sparse(&A, &c);
    cholmod_finish(&c);
    free(P);
    return 0;
}
