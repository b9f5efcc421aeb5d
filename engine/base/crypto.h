/* crypto.h — SHA-256, HMAC-SHA256 (and SHA-1 for file names) over libcrypto, and lower-case hex.
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
/* HMAC-SHA256 of msg under key into out. Returns 0, or -1 when libcrypto failed. */
int pp_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                   unsigned char out[PP_SHA256_LEN]);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void pp_hex(const unsigned char *p, size_t n, char *out);

#endif
