/* Verification of checkpoint files: size, then SHA-256 (OpenSSL libcrypto
 * EVP), against the catalog's expected values. */
#include "model_verify.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>

int p3d_sha256_copy(p3d_ctx *ctx, const char *path, FILE *copy_to, char hex[65], int64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL), write_error = 0;
    unsigned char buf[1 << 15];
    size_t got;
    *size = 0;
    while (ok && !write_error && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        ok = EVP_DigestUpdate(md, buf, got);
        write_error = copy_to && fwrite(buf, 1, got, copy_to) != got;
        *size += (int64_t)got;
    }
    int read_error = ferror(f);
    fclose(f);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(md, digest, &len) && len == 32;
    EVP_MD_CTX_free(md);
    if (read_error)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: read error", path);
    if (write_error)
        return p3d_fail(ctx, P3D_E_IO, "%s: copy failed: %s", path, strerror(errno));
    if (!ok)
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: SHA-256 computation failed", path);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return P3D_OK;
}

int p3d_sha256_file(p3d_ctx *ctx, const char *path, char hex[65])
{
    int64_t size;
    return p3d_sha256_copy(ctx, path, NULL, hex, &size);
}

int p3d_models_check_sums(p3d_ctx *ctx, const p3d_model_spec *spec, const char *label,
                          int64_t size, const char *hex)
{
    if (size != spec->size)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: %lld bytes, expected %lld", label, (long long)size,
                        (long long)spec->size);
    if (strcmp(hex, spec->sha256) != 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: SHA-256 %s, expected %s", label, hex, spec->sha256);
    return P3D_OK;
}

int p3d_models_verify_file(p3d_ctx *ctx, const p3d_model_spec *spec, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: missing; run 'photo3d models fetch %s'", path,
                        spec->name);
    /* The size alone rejects truncated files without reading them. */
    if ((int64_t)sb.st_size != spec->size)
        return p3d_models_check_sums(ctx, spec, path, (int64_t)sb.st_size, spec->sha256);
    char hex[65];
    int64_t size;
    int st = p3d_sha256_copy(ctx, path, NULL, hex, &size);
    return st ? st : p3d_models_check_sums(ctx, spec, path, size, hex);
}
