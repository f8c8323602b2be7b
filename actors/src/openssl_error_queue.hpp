#pragma once

namespace cmm {

/// Whether this process's calls to SSL_read, SSL_write, SSL_accept and
/// SSL_connect go through the wrappers in openssl_error_queue.cpp, which empty
/// OpenSSL's per-thread error queue first (see there for why TLS needs it).
bool openssl_error_queue_guarded();

} // namespace cmm
