#include "client_system.hpp"

#include <stdexcept>

#include <caf/io/middleman.hpp>

#ifdef CMM_TEST_OPENSSL
#include <caf/openssl/manager.hpp>
#endif

namespace cmm::test {

client_system::client_system(transport mode, const tls_settings& tls) {
  cfg_.load<caf::io::middleman>();
  cfg_.set("middleman.heartbeat-interval",
           caf::timespan{std::chrono::milliseconds{200}});
  cfg_.set("middleman.connection-timeout",
           caf::timespan{std::chrono::seconds{1}});
  cfg_.set("scheduler.max-threads", 2);
  switch (mode) {
  case transport::plain:
    break;
  case transport::tls:
    if (auto err = enable_tls(cfg_, tls))
      throw std::runtime_error(to_string(*err));
    break;
  case transport::anonymous_tls:
#ifdef CMM_TEST_OPENSSL
    cfg_.load<caf::openssl::manager>();
    break;
#else
    throw std::runtime_error("this build has no CAF OpenSSL module");
#endif
  }
  sys_ = std::make_unique<caf::actor_system>(cfg_);
}

caf::expected<client_actor> client_system::connect(uint16_t port) {
  return connect_to_node(*sys_, "127.0.0.1", port, std::chrono::seconds{5});
}

caf::expected<operator_actor> client_system::connect_operator(uint16_t port) {
  return connect_as_operator(*sys_, "127.0.0.1", port, std::chrono::seconds{5});
}

caf::expected<cluster_router_actor> client_system::connect_peer(uint16_t port) {
  return connect_as_peer(*sys_, "127.0.0.1", port, std::chrono::seconds{5});
}

} // namespace cmm::test
