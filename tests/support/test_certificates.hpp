#pragma once

// Certificates for the TLS tests, made with the `openssl` command-line tool
// in a temporary directory: a CA, a node and a client certificate it signed,
// and a self-signed "rogue" certificate no CA vouches for. EC P-256 keys,
// valid for two days.

#include <string>

#include "../temp_directory.hpp"
#include "cmm/remote.hpp"

namespace cmm::test {

struct test_certificates {
  /// The node's certificate and key, trusting the CA.
  tls_settings node;
  /// A client certificate signed by the same CA.
  tls_settings client;
  /// A self-signed client certificate; trusts the CA, so only the node can
  /// be the one that refuses.
  tls_settings rogue;
};

/// Whether an `openssl` program is on the PATH.
bool have_openssl_cli();

/// Writes the certificates into `dir`; throws `std::runtime_error` with the
/// tool's output when a command fails.
test_certificates make_test_certificates(const temp_directory& dir);

} // namespace cmm::test
