/* faults_san.h — whether this build has a sanitizer, which owns malloc and refuses the fault
 * injector's interposer (faults.h): then the fault tests only say they are skipped. */
#ifndef PP_TESTS_FAULTS_SAN_H
#define PP_TESTS_FAULTS_SAN_H

#include <stdio.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PP_FAULTS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define PP_FAULTS_SANITIZED 1
#endif
#endif

/* The main of a fault test under a sanitizer. */
#define PP_FAULTS_SKIPPED_MAIN(name)                                                        \
    int main(void)                                                                          \
    {                                                                                       \
        printf("%s: skipped: built with a sanitizer, which owns malloc (the injector "      \
               "interposes it); run it from `make unit`\n", name);                          \
        return 0;                                                                           \
    }

#endif
