/* Compares zlib (memLevel 8 as java.util.zip.Deflater uses, 9 as Pillow uses; Z_FILTERED) with libdeflate on one
 * PNG-filtered row stream (what PngEncoder hands the Deflater), in memory, one thread, CPU time, median.
 * Says whether a native codec would pay. Build: cc -O2 deflate_bench.c -lz -ldeflate; run: ./a.out FILE REPS */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

/* this thread's CPU time: on a shared, loaded machine it moves far less than wall time */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb");
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *in = malloc(n), *out = malloc(n + n / 100 + 1024);
    if (fread(in, 1, n, f) != (size_t)n) return 1;
    fclose(f);
    double ms[64];
    for (int kind = 0; kind < 3; kind++) {
        int levels[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        for (int li = 0; li < 12; li++) {
            int level = levels[li];
            if (kind < 2 && level > 9) continue;
            size_t size = 0;
            for (int r = -1; r < reps; r++) {
                double t = now();
                if (kind < 2) {
                    z_stream z = {0};
                    deflateInit2(&z, level, Z_DEFLATED, 15, kind == 0 ? 8 : 9, Z_FILTERED);
                    z.next_in = in;
                    z.avail_in = n;
                    z.next_out = out;
                    z.avail_out = n + n / 100 + 1024;
                    deflate(&z, Z_FINISH);
                    size = z.total_out;
                    deflateEnd(&z);
                } else {
                    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
                    size = libdeflate_zlib_compress(c, in, n, out, n + n / 100 + 1024);
                    libdeflate_free_compressor(c);
                }
                if (r >= 0) ms[r] = now() - t;
            }
            qsort(ms, reps, sizeof ms[0], cmp);
            printf("{\"codec\":\"%s\",\"level\":%d,\"bytes\":%zu,\"cpu_ms_median\":%.1f,\"cpu_ms_min\":%.1f,\"input_bytes\":%ld}\n",
                   kind == 0 ? "zlib " ZLIB_VERSION " memLevel 8" : kind == 1 ? "zlib " ZLIB_VERSION " memLevel 9" : "libdeflate",
                   level, size, ms[reps / 2], ms[0], n);
            fflush(stdout);
        }
    }
    return 0;
}
