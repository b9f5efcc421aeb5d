/* crypto.c — see crypto.h. SHA-256 and SHA-1 as FIPS 180-4 specifies them, HMAC as RFC 2104
 * does; no library, so that a command that only hashes (a SARIF fingerprint, a state key) does
 * not map libcrypto (issue 20: the network stack is loaded by need, engine/net/lazy.c).
 */
#include "engine/base/crypto.h"

#include <stdint.h>
#include <string.h>

void pp_hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int pp_ct_memeq(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(x[i] ^ y[i]);
    return d == 0;
}

void pp_wipe(void *p, size_t n)
{
    volatile unsigned char *q = p;
    while (n--)
        *q++ = 0;
}

/* ---- the shared Merkle–Damgård framing (64-byte blocks, big-endian 64-bit bit length) ---- */

typedef struct md_ctx {
    uint32_t h[8];
    uint64_t total;            /* bytes hashed so far */
    unsigned char block[64];
    size_t fill;
    void (*compress)(uint32_t *h, const unsigned char *block);
} md_ctx;

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void md_update(md_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->total += len;
    if (c->fill) {
        size_t take = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill < 64)
            return;
        c->compress(c->h, c->block);
        c->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        c->compress(c->h, p);
    memcpy(c->block, p, len);
    c->fill = len;
}

/* Pads, writes the first words words of the state to out, and wipes the context. */
static void md_final(md_ctx *c, unsigned char *out, size_t words)
{
    uint64_t bits = c->total * 8;
    c->block[c->fill++] = 0x80;
    if (c->fill > 56) {
        memset(c->block + c->fill, 0, 64 - c->fill);
        c->compress(c->h, c->block);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, 56 - c->fill);
    store_be32(c->block + 56, (uint32_t)(bits >> 32));
    store_be32(c->block + 60, (uint32_t)bits);
    c->compress(c->h, c->block);
    for (size_t i = 0; i < words; i++)
        store_be32(out + 4 * i, c->h[i]);
    pp_wipe(c, sizeof *c);
}

/* ---- SHA-256 ----------------------------------------------------------------------------- */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static void sha256_compress(uint32_t *h, const unsigned char *block)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(block + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      K256[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

static void sha256_init(md_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memset(c, 0, sizeof *c);
    memcpy(c->h, iv, sizeof iv);
    c->compress = sha256_compress;
}

static void sha256(const void *data, size_t len, unsigned char md[PP_SHA256_LEN])
{
    md_ctx c;
    sha256_init(&c);
    md_update(&c, data, len);
    md_final(&c, md, 8);
}

void pp_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[PP_SHA256_LEN];
    sha256(data ? data : (const void *)"", len, md);
    pp_hex(md, sizeof md, out);
}

/* ---- SHA-1 ------------------------------------------------------------------------------- */

static void sha1_compress(uint32_t *h, const unsigned char *block)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(block + 4 * i);
    for (int i = 16; i < 80; i++)
        w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void pp_sha1_hex(const void *data, size_t len, char out[41])
{
    static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    md_ctx c;
    unsigned char md[20];
    memset(&c, 0, sizeof c);
    memcpy(c.h, iv, sizeof iv);
    c.compress = sha1_compress;
    md_update(&c, data ? data : (const void *)"", len);
    md_final(&c, md, 5);
    pp_hex(md, sizeof md, out);
}

/* ---- HMAC-SHA256 (RFC 2104: H((K ^ opad) || H((K ^ ipad) || msg))) ------------------------- */

int pp_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                   unsigned char out[PP_SHA256_LEN])
{
    unsigned char k[64] = {0}, pad[64], inner[PP_SHA256_LEN];
    if (klen > 64)
        sha256(key, klen, k);
    else if (klen)
        memcpy(k, key, klen);
    md_ctx c;
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    sha256_init(&c);
    md_update(&c, pad, 64);
    md_update(&c, msg ? msg : (const void *)"", mlen);
    md_final(&c, inner, 8);
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    sha256_init(&c);
    md_update(&c, pad, 64);
    md_update(&c, inner, sizeof inner);
    md_final(&c, out, 8);   /* out may alias key: key is no longer read */
    pp_wipe(k, sizeof k);
    pp_wipe(pad, sizeof pad);
    pp_wipe(inner, sizeof inner);
    return 0;
}
