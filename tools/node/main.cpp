// cmm-node: serves a catalog of models to other processes and machines over
// CAF's middleman. Stops on SIGINT or SIGTERM: no new acquires, in-flight
// leases get until the drain timeout, then everything is unloaded.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/cluster_router.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/log.hpp"
#include "cmm/model_manager.hpp"
#include "cmm/remote.hpp"

namespace {

class node_config : public cmm::manager_system_config {
public:
  node_config() {
    load<caf::io::middleman>();
    caf::config_option_adder{custom_options_, "node"}
        .add<uint16_t>("port", "port to listen on (0: any free port)")
        .add<std::string>("bind", "address to bind (default 127.0.0.1)")
        .add<caf::timespan>("drain-timeout",
                            "how long leases may finish at shutdown");
    cmm::declare_tls_options(custom_options_);
    caf::config_option_adder{custom_options_, "cluster"}
        .add<std::vector<std::string>>("peers",
                                       "other nodes of the cluster, host:port")
        .add<std::string>("name", "this node as peers name it (bind:port)");
    // Dead peers must be noticed: CAF 0.17 leaves both off by default.
    set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds{1}});
    set("middleman.connection-timeout", caf::timespan{std::chrono::seconds{5}});
  }
};

/// Blocks SIGINT and SIGTERM in every thread (the actor system's threads
/// inherit the mask), so that `sigwait` in main receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

void drain(caf::actor_system& sys, const cmm::supervisor_actor& sup,
           caf::timespan timeout) {
  caf::scoped_actor self{sys};
  self->request(sup, timeout, cmm::drain_atom_v)
      .receive([](uint32_t) { std::printf("cmm-node: all leases returned\n"); },
               [](const caf::error&) {
                 std::printf("cmm-node: drain timeout: unloading anyway\n");
               });
  self->request(sup, timeout, cmm::unload_all_atom_v, true)
      .receive(
          [](uint32_t n) {
            std::printf("cmm-node: unloaded %u model(s)\n", n);
          },
          [](const caf::error&) {});
}

int run(node_config& cfg, const sigset_t& stop_signals) {
  auto mcfg = cmm::read_manager_config(cfg);
  if (!mcfg) {
    std::fprintf(stderr, "cmm-node: %s\n", to_string(mcfg.error()).c_str());
    return 1;
  }
  caf::actor_system sys{cfg};
  cmm::model_manager manager{sys, *mcfg, cmm::make_default_backend(*mcfg)};
  auto bind = caf::get_or(cfg, "node.bind", std::string{"127.0.0.1"});
  auto port = caf::get_or(cfg, "node.port", uint16_t{0});
  // In a cluster the router is the front door; alone, the supervisor is.
  cmm::supervisor_actor front = manager.supervisor();
  cmm::cluster_router_actor router;
  auto peers = caf::get_or(cfg, "cluster.peers", std::vector<std::string>{});
  if (!peers.empty()) {
    if (port == 0) {
      std::fprintf(stderr, "cmm-node: a cluster node needs a fixed "
                           "--node.port that its peers can name\n");
      return 1;
    }
    cmm::cluster_config cluster;
    cluster.name =
        caf::get_or(cfg, "cluster.name", bind + ":" + std::to_string(port));
    cluster.peers = peers;
    router =
        cmm::spawn_cluster_router(sys, manager.supervisor(), *mcfg, cluster);
    front = router;
  }
  auto bound = cmm::publish_supervisor(sys, front, bind, port);
  if (!bound) {
    std::fprintf(stderr, "cmm-node: cannot listen on %s:%u: %s\n", bind.c_str(),
                 port, sys.render(bound.error()).c_str());
    return 1;
  }
  std::printf("cmm-node listening on %s:%u with %zu catalog model(s)%s\n",
              bind.c_str(), *bound, mcfg->models.size(),
              cmm::uses_tls(sys) ? " over TLS" : "");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("cmm-node: %s: draining\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  drain(sys, manager.supervisor(),
        caf::get_or(cfg, "node.drain-timeout",
                    caf::timespan{std::chrono::seconds{10}}));
  sys.middleman().unpublish(front, *bound);
  if (router)
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  std::printf("cmm-node: stopped\n");
  std::fflush(stdout);
  // Every model is unloaded and every lease settled. CAF 0.17's actor
  // system destructor sometimes waits forever for a detached thread
  // (actor-framework issues 1110, 1196): nothing is left to clean up, so
  // leave without it.
  std::_Exit(0);
}

} // namespace

int main(int argc, char** argv) {
  auto stop_signals = block_stop_signals();
  node_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-node: %s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  auto tls = cmm::read_tls_settings(cfg);
  if (!tls) {
    std::fprintf(stderr, "cmm-node: %s\n", to_string(tls.error()).c_str());
    return 1;
  }
  if (auto err = cmm::enable_tls(cfg, *tls)) {
    std::fprintf(stderr, "cmm-node: %s\n", to_string(*err).c_str());
    return 1;
  }
  return run(cfg, stop_signals);
}
