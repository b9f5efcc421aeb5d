/* rules_cache.h — precompiled rules: one file holding the Lua bytecode of every rule file and
 * lib/ module of a rules folder, so that a process that starts often (the Lambda function)
 * does not parse 1.5 MB of Lua text on every cold start.
 *
 * Data flow: rules/ (text) --(pp_rules_cache_build, `parapet rules compile`)--> FILE
 * --(pp_rules_cache_open, --rules-cache FILE)--> pp_rules_opts.cache → pp_ruleset_load, which
 * takes a file's bytecode instead of compiling its text when the entry for its path (relative
 * to its rules folder) was built from the same text (length and a 64-bit hash), and
 * compiles the text otherwise. A cache never changes what loads, only how fast.
 *
 * Trust: Lua does not verify bytecode, and a crafted chunk can break out of the sandbox. A
 * cache is therefore read only when the operator names it (--rules-cache), or for the built-in
 * folder from the cache built and installed with the binary (hooks/cli_common.c checks it is
 * writable by its owner only, and owned by root or the user), never found next to a user's
 * rules folder; it should come from `parapet rules compile` run by the same people who ship
 * the binary (`make`, `make lambda-zip` do it). Rule folders stay text-only.
 *
 * The rule index: the cache also holds the metadata of every rule of the folder as the loader
 * read it (id, title, severity, types, packs, controls, … params: what `rules list` shows and
 * what selection needs), so that pp_ruleset_load takes a rule's metadata from the index and
 * compiles its file only when an evaluation meets a resource of one of its types
 * (rules.c, "loaded by need"). An index record is used only for the very text it was built
 * from, and the whole index only when the lib/ modules and catalog/ files of this load hash
 * to the `env` it was built with (pp_ruleset_load computes the same digest), so a changed
 * module or catalogue row falls back to compiling every file, as without a cache.
 *
 * File format (little-endian): "PPRC" u8 format (2) u8 LUA_VERSION_NUM/100 u8 %100 u8 0,
 * u32 count, then count entries sorted by path: str path, u64 source length, u64 source
 * hash, u32 bytecode length, bytecode (format 3: the path is a str, read in place). Then the index: u64 env, u32
 * rules, then that many records sorted by path: str path, u64 source length,
 * u64 source hash, str id, str title, str fix, str docs, str guard, u8 severity (0..4),
 * u8 deletes (0/1), list types, list packs, list controls, list related, list frameworks,
 * str params (JSON object). Then the stamps: u32 count, then that many sorted by path: str
 * path (relative: "aws/x.lua", "lib/guard.lua", "catalog/control-tower.tsv"), u64 size, u64
 * device, u64 inode, u64 mtime seconds, u32 mtime nanoseconds, u64 ctime seconds, u32 ctime nanoseconds,
 * u64 hash of the text. A str is u32 length (0xffffffff: absent) then the bytes and a
 * NUL; a list is u32 count (0xffffffff: absent) then that many str. Limits:
 * PP_RULES_CACHE_MAX_BYTES in all, 4,096-byte paths, 100,000 entries and index records,
 * 200,000 stamps, 4,096 items a list; anything else is an error naming the file and the byte
 * offset. The file is mapped (mmap), not read: a start-up touches the index and the chunks
 * it compiles.
 *
 * Stamps: checking every rule file against the cache by its text meant reading and hashing
 * 283 files (1.5 MB, some 1,400 system calls) on every start. The cache records, per file,
 * what stat(2) said when it was built (size, device, inode, mtime, ctime to the nanosecond) and
 * the hash of the text read after that stat; a load whose stat shows the same six values
 * takes the recorded hash for the file's and reads nothing (what make and ccache's "inode
 * cache" do; git keeps the same fields). Any write to a file, a replacement by rename, a
 * copy or an extraction changes the ctime or the inode, which no user program can set back,
 * so a mismatch sends the file to the full check (read and hash, as without stamps): an
 * installed copy or the Lambda zip's extracted folder is checked by its text. A file whose
 * times are within 2 seconds of the build gets no stamp ("racily clean" in git's words: an
 * edit within the same clock tick could leave them equal), so it is always hashed.
 */
#ifndef PP_RULES_CACHE_H
#define PP_RULES_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/finding.h"
#include "engine/base/status.h"

#define PP_RULES_CACHE_MAX_BYTES (64u << 20)
#define PP_RULES_CACHE_MAX_PATH 4096u
#define PP_RULES_CACHE_MAX_ENTRIES 100000u

typedef struct pp_rules_cache pp_rules_cache;

/* Reads and checks a cache file. NULL with *st and *err ("FILE: …") on a missing or damaged
 * file or one built for another Lua version. Read-only afterwards: threads may share it. */
pp_rules_cache *pp_rules_cache_open(const char *path, pp_status *st, char **err);
/* The same for a cache already in memory, buf[0..len) (copied), `name` in messages. */
pp_rules_cache *pp_rules_cache_load_buf(const char *name, const char *buf, size_t len,
                                        pp_status *st, char **err);
void pp_rules_cache_free(pp_rules_cache *c);   /* NULL is a no-op */

/* The bytecode stored for `rel` (a path relative to its rules folder, "aws/ec2/x.lua" or
 * "lib/guard.lua") when it was built from exactly src[0..len); NULL otherwise. Borrowed. */
const char *pp_rules_cache_find(const pp_rules_cache *c, const char *rel, const char *src,
                                size_t len, size_t *code_len);

/* The same for a text known only by its length and hash. */
const char *pp_rules_cache_find_hash(const pp_rules_cache *c, const char *rel, size_t len,
                                     uint64_t hash, size_t *code_len);

/* 1 when `sb` (stat of the file `rel`, relative to the cache's rules folder) still shows the
 * file the cache was built from: the same size, device, inode, modification and change times as its
 * stamp. *len and *hash then receive the length and hash of the text read at build time, so
 * the file need not be read to be checked against the cache. 0 otherwise (no stamp, or any
 * of them differs): the caller reads and hashes the text, as without stamps. */
struct stat;
int pp_rules_cache_stamp(const pp_rules_cache *c, const char *rel, const struct stat *sb,
                         size_t *len, uint64_t *hash);

/* Digest of the modules and catalogues the index was built with (see pp_rules_env_add). */
uint64_t pp_rules_cache_env(const pp_rules_cache *c);

/* Number of entries. */
size_t pp_rules_cache_count(const pp_rules_cache *c);

/* One rule of the index. Every pointer is borrowed from the cache. */
typedef struct pp_rules_index_rec {
    const char *path;       /* relative to the rules folder */
    uint64_t src_len, hash;
    pp_rule_info info;
    const char *guard;      /* or NULL */
    int deletes;
    const char *params;     /* JSON text of the params object */
    size_t params_len;
} pp_rules_index_rec;

/* The index record for `rel` when it was built from a text of length len and hash
 * (pp_rules_cache_hash) and the index from modules and catalogues of digest `env`; NULL
 * otherwise. */
const pp_rules_index_rec *pp_rules_cache_index_find(const pp_rules_cache *c, const char *rel,
                                                    size_t len, uint64_t hash, uint64_t env);
/* Number of index records (0: the cache has no index). */
size_t pp_rules_cache_index_count(const pp_rules_cache *c);

/* Digest of the lib/ modules and catalogues a load sees: fold each one's name (module name or
 * catalogue file name, without its folder) and text into h, starting from
 * PP_RULES_ENV_INIT. */
#define PP_RULES_ENV_INIT 0x70707263656e7631u
uint64_t pp_rules_env_add(uint64_t h, const char *name, const char *text, size_t len);
/* The same for a text known by its length and pp_rules_cache_hash. */
uint64_t pp_rules_env_add_hash(uint64_t h, const char *name, size_t len, uint64_t text_hash);

/* Compiles every .lua file under `dir` (rules and lib/ modules, recursively, at most 16
 * levels) and writes the cache to `out` (written beside it, then renamed). The chunks are
 * named "@" + the last component of dir + "/" + the relative path, which is how errors from
 * cached rules name their file. A file that does not compile is an error ("FILE:LINE: …").
 * The index is built by loading the folder as pp_ruleset_load does (its own lib/ and
 * catalog/ only); a folder that does not load so (its rules need another folder's modules)
 * gets a cache without an index. *n receives the number of entries written. */
pp_status pp_rules_cache_build(const char *dir, const char *out, size_t *n, char **err);

/* A 64-bit multiply-xorshift hash of the text, eight bytes a step: the staleness check (not a
 * security measure: see above). */
uint64_t pp_rules_cache_hash(const char *s, size_t len);

#endif
