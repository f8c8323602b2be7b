#include "cmm/remote.hpp"

#include <chrono>
#include <fstream>
#include <set>
#include <tuple>

#include <caf/actor_system.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/node_id.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/settings.hpp>

#ifdef CMM_WITH_OPENSSL
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include "cmm/log.hpp"
#include "openssl_error_queue.hpp"
#endif

namespace cmm {

namespace {

std::optional<failure> check_readable(const std::string& key,
                                      const std::string& path) {
  if (path.empty())
    return failure{errc::invalid_spec,
                   "cmm.tls." + key + " is required when TLS is configured"};
  if (!std::ifstream{path})
    return failure{errc::invalid_spec,
                   "cmm.tls." + key + ": cannot read '" + path + "'"};
  return std::nullopt;
}

} // namespace

void declare_tls_options(caf::config_option_set& opts) {
  caf::config_option_adder{opts, "cmm.tls"}
      .add<std::string>("certificate",
                        "PEM certificate this process presents (enables TLS)")
      .add<std::string>("key", "PEM private key of the certificate")
      .add<std::string>("ca-file",
                        "PEM CAs that peers' certificates must chain to")
      .add<std::string>("passphrase", "decrypts the private key");
}

result<tls_settings> read_tls_settings(const caf::actor_system_config& cfg) {
  tls_settings out;
  out.certificate = caf::get_or(cfg, "cmm.tls.certificate", std::string{});
  out.key = caf::get_or(cfg, "cmm.tls.key", std::string{});
  out.ca_file = caf::get_or(cfg, "cmm.tls.ca-file", std::string{});
  out.passphrase = caf::get_or(cfg, "cmm.tls.passphrase", std::string{});
  if (auto err = check_tls_settings(out))
    return *err;
  return out;
}

std::optional<failure> check_tls_settings(const tls_settings& tls) {
  if (!tls.enabled())
    return std::nullopt;
  if (auto err = check_readable("certificate", tls.certificate))
    return err;
  if (auto err = check_readable("key", tls.key))
    return err;
  return check_readable("ca-file", tls.ca_file);
}

bool tls_available() {
#ifdef CMM_WITH_OPENSSL
  return true;
#else
  return false;
#endif
}

std::optional<failure> enable_tls(caf::actor_system_config& cfg,
                                  const tls_settings& tls) {
  if (!tls.enabled())
    return std::nullopt;
#ifdef CMM_WITH_OPENSSL
  cfg.openssl_certificate = tls.certificate;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.ca_file;
  cfg.openssl_passphrase = tls.passphrase;
  cfg.load<caf::openssl::manager>();
  if (!openssl_error_queue_guarded())
    logger("remote")->warn(
        "TLS: this program's OpenSSL calls bypass cmm's error-queue guard "
        "(openssl_error_queue.cpp); one failed TLS connection may drop others");
  return std::nullopt;
#else
  (void)cfg;
  return failure{errc::invalid_spec,
                 "cmm.tls.* is set, but this build has no CAF OpenSSL module"};
#endif
}

bool uses_tls(const caf::actor_system& sys) {
#ifdef CMM_WITH_OPENSSL
  return sys.has_openssl_manager();
#else
  (void)sys;
  return false;
#endif
}

caf::io::middleman_actor node_connector(caf::actor_system& sys) {
#ifdef CMM_WITH_OPENSSL
  if (sys.has_openssl_manager())
    return sys.openssl_manager().actor_handle();
#endif
  return sys.middleman().actor_handle();
}

namespace {

template <class Handle>
caf::expected<uint16_t> publish_handle(caf::actor_system& sys,
                                       const Handle& handle,
                                       const std::string& bind, uint16_t port) {
  auto addr = bind.empty() ? nullptr : bind.c_str();
#ifdef CMM_WITH_OPENSSL
  if (sys.has_openssl_manager())
    return caf::openssl::publish(handle, port, addr, true);
#endif
  return sys.middleman().publish(handle, port, addr, true);
}

/// One connection attempt to `host:port`.
template <class Handle>
caf::expected<Handle> connect_once(caf::actor_system& sys,
                                   const std::string& host, uint16_t port,
                                   caf::timespan timeout) {
  caf::scoped_actor self{sys};
  caf::expected<Handle> out{caf::sec::request_timeout};
  self->request(node_connector(sys), timeout, caf::connect_atom_v, host, port)
      .receive(
          [&](const caf::node_id&, caf::strong_actor_ptr& found,
              const std::set<std::string>& interface) {
            if (!found)
              out = caf::make_error(caf::sec::no_actor_published_at_port, port);
            else if (!sys.assignable<Handle>(interface))
              out = caf::make_error(
                  caf::sec::unexpected_actor_messaging_interface);
            else
              out = caf::actor_cast<Handle>(std::move(found));
          },
          [&](caf::error& err) { out = std::move(err); });
  return out;
}

/// Connects within `timeout`. CAF 0.17 starts a connection it opens with
/// its last-seen time at the clock's epoch until the peer's handshake
/// arrives, so a heartbeat tick in between drops it as timed out
/// (`connection_timeout`, basp_broker.cpp's connect handler): such an
/// attempt is made again while time is left.
template <class Handle>
caf::expected<Handle> connect_handle(caf::actor_system& sys,
                                     const std::string& host, uint16_t port,
                                     caf::timespan timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<caf::timespan>(
        deadline - std::chrono::steady_clock::now());
    auto out = connect_once<Handle>(sys, host, port, left);
    if (out || out.error() != caf::sec::connection_timeout ||
        std::chrono::steady_clock::now() >= deadline)
      return out;
  }
}

} // namespace

caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const client_actor& gate,
                                         const std::string& bind,
                                         uint16_t port) {
  return publish_handle(sys, gate, bind, port);
}

caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const operator_actor& gate,
                                         const std::string& bind,
                                         uint16_t port) {
  return publish_handle(sys, gate, bind, port);
}

caf::expected<uint16_t> publish_endpoint(caf::actor_system& sys,
                                         const cluster_router_actor& router,
                                         const std::string& bind,
                                         uint16_t port) {
  return publish_handle(sys, router, bind, port);
}

caf::expected<client_actor> connect_to_node(caf::actor_system& sys,
                                            const std::string& host,
                                            uint16_t port,
                                            caf::timespan timeout) {
  return connect_handle<client_actor>(sys, host, port, timeout);
}

caf::expected<operator_actor> connect_as_operator(caf::actor_system& sys,
                                                  const std::string& host,
                                                  uint16_t port,
                                                  caf::timespan timeout) {
  return connect_handle<operator_actor>(sys, host, port, timeout);
}

caf::expected<cluster_router_actor> connect_as_peer(caf::actor_system& sys,
                                                    const std::string& host,
                                                    uint16_t port,
                                                    caf::timespan timeout) {
  return connect_handle<cluster_router_actor>(sys, host, port, timeout);
}

} // namespace cmm
