/* crypto.c — see crypto.h. */
#include "engine/base/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

void pp_hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void pp_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[PP_SHA256_LEN];
    SHA256(data ? data : (const void *)"", len, md);
    pp_hex(md, sizeof md, out);
}

void pp_sha1_hex(const void *data, size_t len, char out[41])
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(data ? data : (const void *)"", len, md);
    pp_hex(md, sizeof md, out);
}

int pp_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                   unsigned char out[PP_SHA256_LEN])
{
    unsigned int olen = 0;
    if (klen > 0x7fffffff)
        return -1;
    if (!HMAC(EVP_sha256(), key, (int)klen, msg ? msg : (const void *)"", mlen, out, &olen) ||
        olen != PP_SHA256_LEN)
        return -1;
    return 0;
}
