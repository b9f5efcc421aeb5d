/* fuzz_rules_cache.c — the rules cache container (engine/rules_cache.c: header, entry table,
 * limits, order) on raw bytes, then lookups by path. The bytecode inside is not loaded here:
 * Lua does not verify bytecode, which is why a cache is trusted input (rules_cache.h); what is
 * fuzzed is that no file, however damaged, gets past the reader or crashes it. */
#include "tests/fuzz/fuzz.h"

#include "engine/rules_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_status st = PP_OK;
    char *err = NULL;
    pp_rules_cache *c = pp_rules_cache_load_buf("fuzz.cache", (const char *)data, size, &st, &err);
    if (c) {
        if (err || pp_rules_cache_count(c) > PP_RULES_CACHE_MAX_ENTRIES)
            abort();
        static const char *const paths[] = {"a.lua", "lib/guard.lua", "", "zzz/z.lua"};
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
            size_t n = 0;
            const char *code = pp_rules_cache_find(c, paths[i], "return {}\n", 10, &n);
            if (code && n > size)
                abort();
        }
    } else if (!err) {
        abort();   /* a refusal always says why */
    }
    pp_rules_cache_free(c);
    free(err);
    return 0;
}
