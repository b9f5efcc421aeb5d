/* crypto.h — SHA-256, HMAC-SHA256 (and SHA-1 for file names), lower-case hex, a constant-time
 * comparison and a wipe. Implemented here (engine/base/crypto.c), not over libcrypto, so that
 * commands that only hash do not map the TLS stack.
 *
 * Shared by every layer that hashes: SigV4 signing (engine/net/sigv4.c), the state database's
 * keys (engine/store/state.c), the Slack request signature check and the AI answer cache.
 */
#ifndef PP_CRYPTO_H
#define PP_CRYPTO_H

#include <stddef.h>

#define PP_SHA256_LEN 32

/* Hex SHA-256 of data[0..len) into out (65 bytes: 64 hex digits and a NUL). Allocates
 * nothing, never fails. */
void pp_sha256_hex(const void *data, size_t len, char out[65]);
/* Hex SHA-1 into out (41 bytes). Only for names others chose (the AWS CLI's SSO token cache
 * file names); never for anything that must resist collisions. */
void pp_sha1_hex(const void *data, size_t len, char out[41]);
/* HMAC-SHA256 of msg under key into out. Returns 0 (the -1 of the libcrypto days is kept
 * for callers that check). */
int pp_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                   unsigned char out[PP_SHA256_LEN]);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void pp_hex(const unsigned char *p, size_t n, char *out);
/* 1 when a[0..n) equals b[0..n), 0 otherwise, in time that depends on n only (for secrets). */
int pp_ct_memeq(const void *a, const void *b, size_t n);
/* Zeroes p[0..n) in a way the compiler does not drop (keys, secrets). */
void pp_wipe(void *p, size_t n);

#endif
