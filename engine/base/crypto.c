/* crypto.c — see crypto.h.
 *
 * The digests use OpenSSL's SHA256_Init/Update/Final on a context on the stack, not the
 * one-shot SHA256(): in OpenSSL 3 that one fetches the algorithm and allocates a context, so
 * under memory pressure it fails and leaves the digest unwritten (a dedup key or a SigV4
 * payload hash of whatever the stack held). The low-level calls allocate nothing and cannot
 * fail; they are deprecated in 3.0, not removed, hence the macro.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
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
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data ? data : (const void *)"", len);
    SHA256_Final(md, &c);
    pp_hex(md, sizeof md, out);
}

void pp_sha1_hex(const void *data, size_t len, char out[41])
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA_CTX c;
    SHA1_Init(&c);
    SHA1_Update(&c, data ? data : (const void *)"", len);
    SHA1_Final(md, &c);
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
