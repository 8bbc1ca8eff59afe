/*
 * gpu-sr's JNI binding of libdeflate for PNG's IDAT stream (dev.gpusr.image.Libdeflate). libdeflate compresses a
 * whole buffer at once, so a context collects the filtered rows in native memory (append), compresses them into
 * one zlib stream (compress) and hands the result back in pieces (read). Nothing here touches the Java heap beyond
 * copying the given ranges, so a long compression never holds the garbage collector (no critical arrays).
 *
 * A context is used by one thread at a time (one per PngEncoder). Memory: the filtered bytes plus libdeflate's
 * bound on their compressed size, freed by reset when they exceed KEEP_BYTES and always by close.
 */
#include <jni.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev_gpusr_image_Libdeflate.h" /* made by javac -h from Libdeflate.java: the compiler checks signatures */

/* Buffers up to this size stay allocated between images (a 4K RGBA frame is 33 MB); larger ones are freed. */
#define KEEP_BYTES ((size_t)64 << 20)

struct ctx {
    struct libdeflate_compressor *compressor;
    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_len, out_cap;
};

static void throw_by_name(JNIEnv *env, const char *cls, const char *msg) {
    jclass c = (*env)->FindClass(env, cls);
    if (c != NULL) (*env)->ThrowNew(env, c, msg);
}

static struct ctx *ctx_of(JNIEnv *env, jlong handle) {
    struct ctx *c = (struct ctx *)(intptr_t)handle;
    if (c == NULL) throw_by_name(env, "java/lang/IllegalStateException", "libdeflate context is closed");
    return c;
}

/* grows *buf to hold at least need bytes (doubling); 0 on success */
static int reserve(uint8_t **buf, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t n = *cap < 65536 ? 65536 : *cap;
    while (n < need) {
        if (n > SIZE_MAX / 2) return -1;
        n *= 2;
    }
    uint8_t *p = realloc(*buf, n);
    if (p == NULL) return -1;
    *buf = p;
    *cap = n;
    return 0;
}

JNIEXPORT jlong JNICALL Java_dev_gpusr_image_Libdeflate_open(JNIEnv *env, jclass cls, jint level) {
    (void)cls;
    if (level < 0 || level > 12) {
        throw_by_name(env, "java/lang/IllegalArgumentException", "libdeflate level must be 0 to 12");
        return 0;
    }
    struct ctx *c = calloc(1, sizeof *c);
    if (c != NULL) c->compressor = libdeflate_alloc_compressor(level);
    if (c == NULL || c->compressor == NULL) {
        free(c);
        throw_by_name(env, "java/lang/OutOfMemoryError", "libdeflate: no native memory for a compressor");
        return 0;
    }
    return (jlong)(intptr_t)c;
}

JNIEXPORT void JNICALL Java_dev_gpusr_image_Libdeflate_append(JNIEnv *env, jclass cls, jlong handle, jbyteArray src,
                                                             jint off, jint len) {
    (void)cls;
    struct ctx *c = ctx_of(env, handle);
    if (c == NULL) return;
    if (off < 0 || len < 0 || off > (*env)->GetArrayLength(env, src) - len) {
        throw_by_name(env, "java/lang/IndexOutOfBoundsException", "libdeflate append: range outside the array");
        return;
    }
    if (c->in_len > SIZE_MAX - (size_t)len || reserve(&c->in, &c->in_cap, c->in_len + (size_t)len) != 0) {
        throw_by_name(env, "java/lang/OutOfMemoryError", "libdeflate: no native memory for the filtered image");
        return;
    }
    (*env)->GetByteArrayRegion(env, src, off, len, (jbyte *)(c->in + c->in_len));
    c->in_len += (size_t)len;
}

JNIEXPORT jlong JNICALL Java_dev_gpusr_image_Libdeflate_compress(JNIEnv *env, jclass cls, jlong handle) {
    (void)cls;
    struct ctx *c = ctx_of(env, handle);
    if (c == NULL) return -1;
    size_t bound = libdeflate_zlib_compress_bound(c->compressor, c->in_len);
    if (reserve(&c->out, &c->out_cap, bound) != 0) {
        throw_by_name(env, "java/lang/OutOfMemoryError", "libdeflate: no native memory for the compressed image");
        return -1;
    }
    /* in may be NULL when nothing was appended: libdeflate then writes the empty zlib stream */
    c->out_len = libdeflate_zlib_compress(c->compressor, c->in, c->in_len, c->out, c->out_cap);
    c->in_len = 0;
    if (c->out_len == 0) { /* cannot happen with the bound's room */
        throw_by_name(env, "java/lang/IllegalStateException", "libdeflate: output larger than its own bound");
        return -1;
    }
    return (jlong)c->out_len;
}

JNIEXPORT void JNICALL Java_dev_gpusr_image_Libdeflate_read(JNIEnv *env, jclass cls, jlong handle, jlong from,
                                                           jbyteArray dst, jint off, jint len) {
    (void)cls;
    struct ctx *c = ctx_of(env, handle);
    if (c == NULL) return;
    if (from < 0 || len < 0 || (size_t)from > c->out_len || (size_t)len > c->out_len - (size_t)from ||
        off < 0 || off > (*env)->GetArrayLength(env, dst) - len) {
        throw_by_name(env, "java/lang/IndexOutOfBoundsException", "libdeflate read: range outside the output");
        return;
    }
    (*env)->SetByteArrayRegion(env, dst, off, len, (const jbyte *)(c->out + from));
}

JNIEXPORT void JNICALL Java_dev_gpusr_image_Libdeflate_reset(JNIEnv *env, jclass cls, jlong handle) {
    (void)cls;
    struct ctx *c = ctx_of(env, handle);
    if (c == NULL) return;
    c->in_len = 0;
    c->out_len = 0;
    if (c->in_cap > KEEP_BYTES) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
    if (c->out_cap > KEEP_BYTES) {
        free(c->out);
        c->out = NULL;
        c->out_cap = 0;
    }
}

JNIEXPORT void JNICALL Java_dev_gpusr_image_Libdeflate_close(JNIEnv *env, jclass cls, jlong handle) {
    (void)env;
    (void)cls;
    struct ctx *c = (struct ctx *)(intptr_t)handle;
    if (c == NULL) return;
    libdeflate_free_compressor(c->compressor);
    free(c->in);
    free(c->out);
    free(c);
}

JNIEXPORT jstring JNICALL Java_dev_gpusr_image_Libdeflate_version(JNIEnv *env, jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, LIBDEFLATE_VERSION_STRING);
}
