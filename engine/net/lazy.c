/* lazy.c — libcurl, libmicrohttpd and libsqlite3 opened at first use (issue 20, "libraries
 * loaded by need").
 *
 * The binary is not linked against either library: each function Parapet calls is defined here
 * under the library's own name and prototype (the compiler checks them against curl.h and
 * microhttpd.h), and forwards to the real one, which dlopen/dlsym find the first time any of
 * them is called. `check`, `rules`, `explain` without --ai/--stack and `kb` never call one,
 * so they never map libcurl, its TLS, HTTP/2, IDN, LDAP and SSH dependencies, nor
 * libmicrohttpd. The callers (engine/net/http.c, aws.c, hooks/serve*.c, notify.c) are unchanged.
 *
 * A function missing from this table is an undefined symbol at link time (nothing else provides
 * it), so a new call cannot silently bypass the shim: add one line below.
 *
 * libsqlite3 (the KB's full-text fallback, the SQLite state store) is opened the same way,
 * although it is no network library: Debian builds it with BIND_NOW, and its 1,596 symbol
 * bindings, each looked up through every library of the process, were most of what the
 * dynamic loader did on every start (about 1.3 million instructions of `check` and of
 * `--version`). `check` and `rules` never open a database, so they no longer map it.
 *
 * When the library cannot be opened, one line on stderr names it and dlerror()'s reason, and
 * every call returns its API's failure value (NULL, CURLE_FAILED_INIT, MHD_NO, ...): the
 * caller's usual error path runs ("libcurl failed to initialise", "cannot listen").
 * Variadic functions: curl_easy_setopt/getinfo pass one argument whose type the option number
 * encodes (CURLOPTTYPE_*: long, pointer, function pointer, curl_off_t; getinfo: a pointer);
 * MHD_start_daemon forwards its va_list to MHD_start_daemon_va.
 */
#define CURL_DISABLE_TYPECHECK 1   /* curl.h's checking macros would rename the definitions */

#include <curl/curl.h>
#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

/* The sonames, from the -dev packages' lib*.so links at build time (Makefile). */
#ifndef PP_SONAME_CURL
#define PP_SONAME_CURL "libcurl.so.4"
#endif
#ifndef PP_SONAME_MHD
#define PP_SONAME_MHD "libmicrohttpd.so.12"
#endif
#ifndef PP_SONAME_SQLITE
#define PP_SONAME_SQLITE "libsqlite3.so.0"
#endif

enum { LIB_CURL, LIB_MHD, LIB_SQLITE, LIB_COUNT };

typedef struct lazy_lib {
    const char *soname;
    pthread_once_t once;
    void *handle;
} lazy_lib;

static lazy_lib g_libs[LIB_COUNT] = {
    {PP_SONAME_CURL, PTHREAD_ONCE_INIT, NULL},
    {PP_SONAME_MHD, PTHREAD_ONCE_INIT, NULL},
    {PP_SONAME_SQLITE, PTHREAD_ONCE_INIT, NULL},
};

static void open_lib(lazy_lib *l)
{
    l->handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!l->handle) {
        const char *why = dlerror();
        fprintf(stderr, "parapet: cannot load %s (%s); %s need it\n", l->soname,
                why ? why : "unknown error",
                l == &g_libs[LIB_SQLITE] ? "the KB and the state store" : "network commands");
    }
}
static void open_curl(void) { open_lib(&g_libs[LIB_CURL]); }
static void open_mhd(void) { open_lib(&g_libs[LIB_MHD]); }
static void open_sqlite(void) { open_lib(&g_libs[LIB_SQLITE]); }

/* The address of name in library lib, cached in *slot; NULL (after one message) when the
 * library or the symbol is missing. */
static void *lazy_sym(int lib, const char *name, void *_Atomic *slot)
{
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (p)
        return p;
    lazy_lib *l = &g_libs[lib];
    pthread_once(&l->once, lib == LIB_CURL ? open_curl : lib == LIB_MHD ? open_mhd : open_sqlite);
    if (!l->handle)
        return NULL;
    p = dlsym(l->handle, name);
    if (!p)
        fprintf(stderr, "parapet: %s has no %s\n", l->soname, name);
    else
        atomic_store_explicit(slot, p, memory_order_release);
    return p;
}

/* One forwarding definition: ret name params { return real(args); }, or fail. */
#define LAZY(lib, ret, name, fail, params, args)                                   \
    ret name params                                                                \
    {                                                                              \
        typedef ret(*fn_t) params;                                                 \
        static void *_Atomic slot;                                                 \
        fn_t f = (fn_t)lazy_sym(lib, #name, &slot);                                \
        return f ? f args : (fail);                                                \
    }
#define LAZY_VOID(lib, name, params, args)                                         \
    void name params                                                               \
    {                                                                              \
        typedef void(*fn_t) params;                                                \
        static void *_Atomic slot;                                                 \
        fn_t f = (fn_t)lazy_sym(lib, #name, &slot);                                \
        if (f)                                                                     \
            f args;                                                                \
    }

/* ---- libcurl ------------------------------------------------------------------------------ */

LAZY(LIB_CURL, CURLcode, curl_global_init, CURLE_FAILED_INIT, (long flags), (flags))
LAZY(LIB_CURL, curl_version_info_data *, curl_version_info, NULL, (CURLversion v), (v))
LAZY(LIB_CURL, CURL *, curl_easy_init, NULL, (void), ())
LAZY(LIB_CURL, CURLcode, curl_easy_perform, CURLE_FAILED_INIT, (CURL *h), (h))
LAZY_VOID(LIB_CURL, curl_easy_cleanup, (CURL *h), (h))
LAZY_VOID(LIB_CURL, curl_easy_reset, (CURL *h), (h))
LAZY(LIB_CURL, const char *, curl_easy_strerror, "libcurl could not be loaded", (CURLcode c),
     (c))
LAZY_VOID(LIB_CURL, curl_free, (void *p), (p))
LAZY(LIB_CURL, struct curl_slist *, curl_slist_append, NULL,
     (struct curl_slist *list, const char *s), (list, s))
LAZY_VOID(LIB_CURL, curl_slist_free_all, (struct curl_slist *list), (list))
LAZY(LIB_CURL, time_t, curl_getdate, -1, (const char *p, const time_t *unused), (p, unused))
LAZY(LIB_CURL, CURLU *, curl_url, NULL, (void), ())
LAZY_VOID(LIB_CURL, curl_url_cleanup, (CURLU *u), (u))
LAZY(LIB_CURL, CURLUcode, curl_url_get, CURLUE_OUT_OF_MEMORY,
     (CURLU *u, CURLUPart what, char **part, unsigned int flags), (u, what, part, flags))
LAZY(LIB_CURL, CURLUcode, curl_url_set, CURLUE_OUT_OF_MEMORY,
     (CURLU *u, CURLUPart what, const char *part, unsigned int flags), (u, what, part, flags))

/* libsqlite3: every function the KB and the state store call. */
LAZY(LIB_SQLITE, int, sqlite3_close, SQLITE_OK, (sqlite3 *db), (db))
LAZY(LIB_SQLITE, const char *, sqlite3_errmsg, "libsqlite3 could not be loaded", (sqlite3 *db),
     (db))
LAZY(LIB_SQLITE, int, sqlite3_exec, SQLITE_ERROR,
     (sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
      char **errmsg), (db, sql, cb, arg, errmsg))
LAZY(LIB_SQLITE, int, sqlite3_prepare_v2, SQLITE_ERROR,
     (sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail),
     (db, sql, n, stmt, tail))
LAZY(LIB_SQLITE, int, sqlite3_step, SQLITE_ERROR, (sqlite3_stmt *s), (s))
LAZY(LIB_SQLITE, int, sqlite3_reset, SQLITE_ERROR, (sqlite3_stmt *s), (s))
LAZY(LIB_SQLITE, int, sqlite3_finalize, SQLITE_OK, (sqlite3_stmt *s), (s))
LAZY(LIB_SQLITE, int, sqlite3_bind_text, SQLITE_ERROR,
     (sqlite3_stmt *s, int i, const char *v, int n, void (*d)(void *)), (s, i, v, n, d))
LAZY(LIB_SQLITE, int, sqlite3_bind_int, SQLITE_ERROR, (sqlite3_stmt *s, int i, int v),
     (s, i, v))
LAZY(LIB_SQLITE, int, sqlite3_bind_int64, SQLITE_ERROR,
     (sqlite3_stmt *s, int i, sqlite3_int64 v), (s, i, v))
LAZY(LIB_SQLITE, int, sqlite3_bind_null, SQLITE_ERROR, (sqlite3_stmt *s, int i), (s, i))
LAZY(LIB_SQLITE, const unsigned char *, sqlite3_column_text, NULL, (sqlite3_stmt *s, int i),
     (s, i))
LAZY(LIB_SQLITE, int, sqlite3_column_int, 0, (sqlite3_stmt *s, int i), (s, i))
LAZY(LIB_SQLITE, sqlite3_int64, sqlite3_column_int64, 0, (sqlite3_stmt *s, int i), (s, i))
LAZY(LIB_SQLITE, int, sqlite3_changes, 0, (sqlite3 *db), (db))
LAZY(LIB_SQLITE, int, sqlite3_busy_timeout, SQLITE_ERROR, (sqlite3 *db, int ms), (db, ms))

/* Not a plain forwarder: a caller reads *db after a failure (for sqlite3_errmsg and
 * sqlite3_close), so it is NULL when the library is missing. */
int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs)
{
    typedef int (*fn_t)(const char *, sqlite3 **, int, const char *);
    static void *_Atomic slot;
    fn_t f = (fn_t)lazy_sym(LIB_SQLITE, "sqlite3_open_v2", &slot);
    if (!f) {
        *db = NULL;
        return SQLITE_CANTOPEN;
    }
    return f(path, db, flags, vfs);
}

typedef void (*any_fn)(void);

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    typedef CURLcode (*long_fn)(CURL *, CURLoption, long);
    typedef CURLcode (*ptr_fn)(CURL *, CURLoption, void *);
    typedef CURLcode (*func_fn)(CURL *, CURLoption, any_fn);
    typedef CURLcode (*off_fn)(CURL *, CURLoption, curl_off_t);
    static void *_Atomic slot;
    void *p = lazy_sym(LIB_CURL, "curl_easy_setopt", &slot);
    if (!p)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, opt);
    CURLcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = ((long_fn)p)(h, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = ((ptr_fn)p)(h, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T)
        rc = ((func_fn)p)(h, opt, va_arg(ap, any_fn));
    else if (opt < CURLOPTTYPE_BLOB)
        rc = ((off_fn)p)(h, opt, va_arg(ap, curl_off_t));
    else
        rc = ((ptr_fn)p)(h, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    typedef CURLcode (*ptr_fn)(CURL *, CURLINFO, void *);
    static void *_Atomic slot;
    void *p = lazy_sym(LIB_CURL, "curl_easy_getinfo", &slot);
    if (!p)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = ((ptr_fn)p)(h, info, va_arg(ap, void *));   /* every CURLINFO_* is a pointer */
    va_end(ap);
    return rc;
}

/* ---- libmicrohttpd ------------------------------------------------------------------------ */

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
                                    MHD_AcceptPolicyCallback apc, void *apc_cls,
                                    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    typedef struct MHD_Daemon *(*va_fn)(unsigned int, uint16_t, MHD_AcceptPolicyCallback,
                                        void *, MHD_AccessHandlerCallback, void *, va_list);
    static void *_Atomic slot;
    void *p = lazy_sym(LIB_MHD, "MHD_start_daemon_va", &slot);
    if (!p)
        return NULL;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = ((va_fn)p)(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

LAZY_VOID(LIB_MHD, MHD_stop_daemon, (struct MHD_Daemon *d), (d))
LAZY(LIB_MHD, enum MHD_Result, MHD_add_connection, MHD_NO,
     (struct MHD_Daemon *d, MHD_socket fd, const struct sockaddr *addr, socklen_t addrlen),
     (d, fd, addr, addrlen))
LAZY(LIB_MHD, const char *, MHD_lookup_connection_value, NULL,
     (struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key), (c, kind, key))
LAZY(LIB_MHD, enum MHD_Result, MHD_queue_response, MHD_NO,
     (struct MHD_Connection *c, unsigned int status, struct MHD_Response *r), (c, status, r))
LAZY(LIB_MHD, struct MHD_Response *, MHD_create_response_from_buffer, NULL,
     (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode))
LAZY_VOID(LIB_MHD, MHD_destroy_response, (struct MHD_Response *r), (r))
LAZY(LIB_MHD, enum MHD_Result, MHD_add_response_header, MHD_NO,
     (struct MHD_Response *r, const char *header, const char *content), (r, header, content))
