// cmm-remote-client: a client process for the remote tests. Connects to a
// node, acquires one model by catalog id and prints "holding ID of NAME with
// token HIGH LOW"; with --client.hold it then keeps the lease until a line or
// end of input arrives on stdin (a test kills it meanwhile), and finally
// releases it. With --client.run it sends one fused run of the model instead,
// prints "running" and waits on stdin the same way before it waits for the
// answer.
// Exit status: 0 done, 2 bad options, 3 cannot connect, 4 acquire failed.

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/remote.hpp"

namespace {

class client_config : public cmm::manager_system_config {
public:
  client_config() {
    load<caf::io::middleman>();
    caf::config_option_adder{custom_options_, "client"}
        .add<std::string>("host", "node address (default 127.0.0.1)")
        .add<uint16_t>("port", "node port")
        .add<std::string>("model", "catalog id to acquire")
        .add<bool>("hold", "keep the lease until stdin has a line or closes")
        .add<bool>("run", "send one run instead of acquiring");
    cmm::declare_tls_options(custom_options_);
    set("middleman.heartbeat-interval",
        caf::timespan{std::chrono::milliseconds{200}});
    set("middleman.connection-timeout", caf::timespan{std::chrono::seconds{1}});
  }
};

/// Sends one run of `model` on a thread of its own, says so, and waits for
/// stdin before it waits for the answer.
int run_once(cmm::blocking_client& client, const std::string& model) {
  std::vector<float> values(16, 0.5f);
  auto input = cmm::make_tensor_from_floats(cmm::dtype::f32, {1, 16}, values);
  std::string outcome;
  std::thread runner{[&] {
    try {
      client.infer_once(cmm::model_spec::by_id(model), {input});
      outcome = "ran";
    } catch (const cmm::manager_error& err) {
      outcome = std::string{"run failed: "} + err.what();
    }
  }};
  std::printf("running\n");
  std::fflush(stdout);
  std::string line;
  std::getline(std::cin, line);
  runner.join();
  std::printf("%s\n", outcome.c_str());
  return outcome == "ran" ? 0 : 4;
}

int run(client_config& cfg) {
  caf::actor_system sys{cfg};
  auto host = caf::get_or(cfg, "client.host", std::string{"127.0.0.1"});
  auto port = caf::get_or(cfg, "client.port", uint16_t{0});
  auto model = caf::get_or(cfg, "client.model", std::string{});
  auto node = cmm::connect_to_node(sys, host, port, std::chrono::seconds{5});
  if (!node) {
    std::printf("cannot connect: %s\n", sys.render(node.error()).c_str());
    return 3;
  }
  cmm::blocking_client client{sys, *node, std::chrono::seconds{10}};
  if (caf::get_or(cfg, "client.run", false))
    return run_once(client, model);
  try {
    auto held = client.acquire(cmm::model_spec::by_id(model));
    std::printf("holding %llu of %s with token %llu %llu\n",
                static_cast<unsigned long long>(held.get().id),
                held.get().name.c_str(),
                static_cast<unsigned long long>(held.get().token.high),
                static_cast<unsigned long long>(held.get().token.low));
    std::fflush(stdout);
    if (caf::get_or(cfg, "client.hold", false)) {
      std::string line;
      std::getline(std::cin, line);
    }
    auto refs = client.release_model(held);
    std::printf("released, %u ref(s) left\n", refs);
  } catch (const cmm::manager_error& err) {
    std::printf("acquire failed: %s\n", err.what());
    return 4;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  client_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-remote-client: %s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  auto tls = cmm::read_tls_settings(cfg);
  if (!tls) {
    std::fprintf(stderr, "cmm-remote-client: %s\n",
                 to_string(tls.error()).c_str());
    return 2;
  }
  if (auto err = cmm::enable_tls(cfg, *tls)) {
    std::fprintf(stderr, "cmm-remote-client: %s\n", to_string(*err).c_str());
    return 2;
  }
  return run(cfg);
}
