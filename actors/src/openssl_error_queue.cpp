// CAF 0.17.6's OpenSSL session asks SSL_get_error() about the result of
// SSL_read, SSL_write, SSL_accept and SSL_connect without emptying the
// thread's error queue first, and drains the queue only inside log statements
// that Debian's build compiles out. Every connection of a process runs on the
// middleman's one I/O thread, so one connection's failure (a client leaving
// without close_notify, a refused handshake) stays queued and turns the next
// connection's harmless "want read" into a fatal error: that connection is
// dropped as well, cluster peers included. OpenSSL requires an empty queue
// before these calls (SSL_get_error(3)). The definitions below are exported
// by the program that links this file, so libcaf_openssl's calls reach them
// first; each empties the queue and calls libssl's function. They find
// OpenSSL's functions with dlsym, which keeps the build free of OpenSSL's
// headers and link flags.

#include "openssl_error_queue.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

struct ssl_st;

namespace {

template <class Function> Function* next_definition(const char* name) {
  auto* found = dlsym(RTLD_NEXT, name);
  if (found == nullptr) {
    // Only reachable if libssl were loaded after this program's own symbols
    // were searched, which no link of cmm_actors does.
    std::fprintf(stderr, "cmm: OpenSSL's %s not found after the program\n",
                 name);
    std::abort();
  }
  return reinterpret_cast<Function*>(found);
}

void clear_error_queue() {
  static auto* clear = next_definition<void()>("ERR_clear_error");
  clear();
}

} // namespace

extern "C" {

int SSL_read(ssl_st* ssl, void* buf, int num) {
  static auto* next = next_definition<int(ssl_st*, void*, int)>("SSL_read");
  clear_error_queue();
  return next(ssl, buf, num);
}

int SSL_write(ssl_st* ssl, const void* buf, int num) {
  static auto* next =
      next_definition<int(ssl_st*, const void*, int)>("SSL_write");
  clear_error_queue();
  return next(ssl, buf, num);
}

int SSL_accept(ssl_st* ssl) {
  static auto* next = next_definition<int(ssl_st*)>("SSL_accept");
  clear_error_queue();
  return next(ssl);
}

int SSL_connect(ssl_st* ssl) {
  static auto* next = next_definition<int(ssl_st*)>("SSL_connect");
  clear_error_queue();
  return next(ssl);
}

} // extern "C"

namespace cmm {

bool openssl_error_queue_guarded() {
  return dlsym(RTLD_DEFAULT, "SSL_read") == reinterpret_cast<void*>(&SSL_read);
}

} // namespace cmm
