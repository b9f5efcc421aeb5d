/* creds.h — the AWS credential chain, the profile and the region: the one place in Parapet
 * that knows where credentials come from.
 *
 * Data flow: a front end (explain --stack, watch, the Lambda loop, the Bedrock step) opens a
 * pp_aws_session with what the user chose (--profile, --region) → pp_aws_client (aws.h) asks
 * pp_aws_session_creds before each signed call → the chain below runs once, its answer is
 * kept in memory and fetched again shortly before it expires.
 *
 * The chain, in the order the AWS CLI (botocore) tries it; the first source that is
 * configured answers, and a configured source that fails is an error (it does not fall
 * through to the next, as the CLI does not):
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]; skipped
 *      when a profile was named on the command line (the CLI's rule), not for AWS_PROFILE;
 *   2. the profile's role_arn with source_profile (credentials of that profile, recursively,
 *      at most PP_CREDS_MAX_CHAIN deep, cycles refused) or credential_source (Environment,
 *      Ec2InstanceMetadata, EcsContainer) → STS AssumeRole with role_session_name,
 *      external_id, duration_seconds; mfa_serial is refused (nothing here can prompt);
 *   3. web identity: the profile's role_arn + web_identity_token_file, else
 *      AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME] → STS
 *      AssumeRoleWithWebIdentity (unsigned);
 *   4. IAM Identity Center: sso_session (with its [sso-session NAME] section) or the legacy
 *      sso_start_url, with sso_account_id + sso_role_name → the CLI's token cache
 *      (~/.aws/sso/cache/SHA1(session name or start URL).json) → the portal's
 *      GetRoleCredentials. No login is ever started: a missing or expired token is an error
 *      that says to run `aws sso login`;
 *   5. static keys of the profile: the credentials file, then the config file;
 *   6. credential_process: run without a shell (split as the CLI splits it), its stdout read
 *      up to PP_CREDS_MAX_PROCESS_OUT within PP_CREDS_PROCESS_TIMEOUT_MS; JSON with
 *      "Version": 1, AccessKeyId, SecretAccessKey, optional SessionToken and Expiration;
 *   7. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2),
 *      else AWS_CONTAINER_CREDENTIALS_FULL_URI, over http only to a loopback address,
 *      169.254.170.2, 169.254.170.23 or fd00:ec2::23 (https to any host), with the
 *      Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   8. EC2 instance metadata, IMDSv2 only: PUT /latest/api/token first, then the role's
 *      credentials; 1 s timeouts, one attempt each; AWS_EC2_METADATA_DISABLED=true skips it;
 *      AWS_EC2_METADATA_SERVICE_ENDPOINT replaces http://169.254.169.254.
 * A profile named with --profile or AWS_PROFILE that exists in neither file is an error.
 * Files: AWS_CONFIG_FILE (default ~/.aws/config), AWS_SHARED_CREDENTIALS_FILE (default
 * ~/.aws/credentials); each capped at PP_CREDS_MAX_FILE bytes, PP_CREDS_MAX_LINE per line.
 * Region: the caller's (--region), else AWS_REGION, else AWS_DEFAULT_REGION, else the
 * profile's `region`.
 *
 * Secrets: the key id, secret and token are held only in this struct and the signed
 * request; no message built here or by the callers contains them (the source is named
 * instead: "profile dev (assume role arn:…)"), and they are zeroed when dropped.
 */
#ifndef PP_CREDS_H
#define PP_CREDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/base/status.h"
#include "engine/net/endpoint.h"
#include "engine/net/http.h"
#include "engine/net/sigv4.h"

#define PP_CREDS_MAX_FILE (1u << 20)          /* config / credentials file */
#define PP_CREDS_MAX_LINE 4096                /* one line of those files */
#define PP_CREDS_MAX_SECTIONS 1000
#define PP_CREDS_MAX_CHAIN 8                  /* source_profile hops */
#define PP_CREDS_MAX_PROCESS_OUT (64u << 10)  /* credential_process stdout */
#define PP_CREDS_PROCESS_TIMEOUT_MS 60000
#define PP_CREDS_MAX_ANSWER (64u << 10)       /* STS, SSO, container, IMDS answers */
#define PP_CREDS_REFRESH_S 300                /* refresh this long before expiry */

typedef struct pp_aws_session pp_aws_session;

typedef struct pp_aws_session_opts {
    const char *profile;       /* --profile; NULL → AWS_PROFILE, else "default" */
    const char *region;        /* --region; NULL → environment, then profile */
    const char *endpoint_url;  /* --endpoint-url: the override for every service called
                                * through this session except STS and the SSO portal (the
                                * AWS CLI's rule); NULL for none */
} pp_aws_session_opts;

/* Reads the config and credentials files and settles profile and region; fetches nothing
 * yet. Returns PP_OK with *out (free with pp_aws_session_free), or PP_E_PARSE / PP_E_LIMIT /
 * PP_E_IO with *err naming FILE:LINE for a bad file, PP_E_NOMEM. A missing region is not an
 * error here (pp_aws_session_region returns NULL). */
pp_status pp_aws_session_new(const pp_aws_session_opts *o, pp_aws_session **out, char **err);
void pp_aws_session_free(pp_aws_session *s);   /* NULL is a no-op; zeroes the secrets */

/* The region, or NULL when none is configured. Borrowed, lives as long as s. */
const char *pp_aws_session_region(const pp_aws_session *s);
/* The profile in use ("default" when none was named). Borrowed. */
const char *pp_aws_session_profile(const pp_aws_session *s);
/* Base URL for svc (endpoint.h's precedence with this session's override, profile and
 * region). malloc'd, caller frees; NULL on NOMEM or when there is no region. */
char *pp_aws_session_endpoint(const pp_aws_session *s, pp_aws_service svc);

/* Credentials to sign with. Runs the chain on the first call and again when the cached ones
 * expire within PP_CREDS_REFRESH_S (or were invalidated). `http` may be NULL. On PP_OK *out
 * points into s (valid until the next call on s). Errors: PP_E_NOTFOUND (no source
 * configured), PP_E_DENIED (a source refused: mfa_serial, a container URL outside the allowed
 * hosts, an expired SSO token), PP_E_PARSE (credential_process output, an STS/SSO answer),
 * PP_E_HTTP, PP_E_IO, PP_E_NOMEM; *err never contains a secret. Not thread-safe. */
pp_status pp_aws_session_creds(pp_aws_session *s, pp_http_client *http, pp_aws_creds *out,
                               char **err);
/* Forgets the cached credentials (after an ExpiredToken answer). */
void pp_aws_session_invalidate(pp_aws_session *s);
/* Where the current credentials came from ("environment", "profile dev (credential_process)"),
 * "" before the first successful pp_aws_session_creds. Borrowed. Safe to log. */
const char *pp_aws_session_source(const pp_aws_session *s);
/* How many times the chain ran (for tests of the refresh). */
unsigned pp_aws_session_fetches(const pp_aws_session *s);

/* Splits a credential_process command line as the AWS CLI does on POSIX (shlex rules:
 * whitespace separates, '…' literal, "…" with \" \\ \$ \` escapes, \ outside quotes
 * escapes the next character). Returns a NULL-terminated vector (caller frees with
 * pp_strvec_free), or -1 with *err for an unterminated quote or an empty command. */
struct pp_strvec;
int pp_creds_split_command(const char *cmd, struct pp_strvec *out, char **err);

/* Parses the text of an AWS config or credentials file named `path` (for messages) into *out:
 * {"section name": {"key": "value"}} (new reference). Keys are lower-cased as configparser
 * does; '#' and ';' lines are comments; indented lines (the CLI's nested "s3 =" settings) are
 * skipped. PP_E_LIMIT past PP_CREDS_MAX_FILE bytes, a line past PP_CREDS_MAX_LINE or more than
 * PP_CREDS_MAX_SECTIONS sections; PP_E_PARSE for a NUL byte, a line that is neither a
 * section nor key = value, a key outside a section, text that is not UTF-8; *err names
 * PATH:LINE and never quotes a value (a value may be a secret). */
pp_status pp_aws_config_parse(const char *path, const char *text, size_t len, json_t **out,
                              char **err);

/* Parses "2024-05-01T10:00:00Z" (also with fractional seconds or a "+00:00" offset) to UTC
 * seconds. 0 on success, -1 otherwise. */
int pp_creds_parse_time(const char *s, time_t *out);

#endif
