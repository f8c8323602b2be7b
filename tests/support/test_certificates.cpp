#include "test_certificates.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cmm::test {

namespace {

const char* new_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                      "-nodes -days 2";

void run(const temp_directory& dir, const std::string& command) {
  auto log = dir.file("openssl.log");
  auto line = command + " > '" + log + "' 2>&1";
  if (std::system(line.c_str()) != 0) {
    std::ifstream in{log};
    std::ostringstream text;
    text << in.rdbuf();
    throw std::runtime_error("failed: " + command + "\n" + text.str());
  }
}

/// A key and a certificate for `name`, signed by the CA in `dir`.
tls_settings signed_by_ca(const temp_directory& dir, const std::string& name) {
  tls_settings out;
  out.key = dir.file(name + ".key");
  out.certificate = dir.file(name + ".pem");
  out.ca_file = dir.file("ca.pem");
  auto csr = dir.file(name + ".csr");
  run(dir, "openssl req " + std::string{new_key} + " -keyout '" + out.key +
               "' -out '" + csr + "' -subj /CN=" + name);
  run(dir, "openssl x509 -req -in '" + csr + "' -CA '" + out.ca_file +
               "' -CAkey '" + dir.file("ca.key") + "' -CAcreateserial" +
               " -CAserial '" + dir.file("ca.srl") + "' -days 2 -out '" +
               out.certificate + "'");
  return out;
}

} // namespace

bool have_openssl_cli() {
  return std::system("openssl version > /dev/null 2>&1") == 0;
}

test_certificates make_test_certificates(const temp_directory& dir) {
  run(dir, "openssl req -x509 " + std::string{new_key} + " -keyout '" +
               dir.file("ca.key") + "' -out '" + dir.file("ca.pem") +
               "' -subj /CN=cmm-test-ca");
  test_certificates out;
  out.node = signed_by_ca(dir, "node");
  out.client = signed_by_ca(dir, "client");
  out.rogue.key = dir.file("rogue.key");
  out.rogue.certificate = dir.file("rogue.pem");
  out.rogue.ca_file = dir.file("ca.pem");
  run(dir, "openssl req -x509 " + std::string{new_key} + " -keyout '" +
               out.rogue.key + "' -out '" + out.rogue.certificate +
               "' -subj /CN=rogue");
  return out;
}

} // namespace cmm::test
