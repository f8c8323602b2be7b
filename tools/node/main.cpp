// cmm-node: serves a catalog of models to other processes and machines over
// CAF's middleman, on up to three endpoints: clients (acquire, release,
// list, info), operators (everything else a person does; loopback by
// default) and, in a cluster, the other nodes. Stops on SIGINT or SIGTERM:
// no new acquires, in-flight leases get until the drain timeout, then
// everything is unloaded.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/cluster_router.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/gate.hpp"
#include "cmm/host_port.hpp"
#include "cmm/http_front.hpp"
#include "cmm/log.hpp"
#include "cmm/model_manager.hpp"
#include "cmm/model_spec.hpp"
#include "cmm/remote.hpp"

namespace {

class node_config : public cmm::manager_system_config {
public:
  node_config() {
    load<caf::io::middleman>();
    caf::config_option_adder{custom_options_, "node"}
        .add<uint16_t>("port", "client endpoint's port (0: any free port)")
        .add<std::string>("bind",
                          "client endpoint's address (default 127.0.0.1)")
        .add<uint16_t>("operator-port",
                       "operator endpoint's port (0: any free port)")
        .add<std::string>("operator-bind",
                          "operator endpoint's address (default 127.0.0.1)")
        .add<caf::timespan>("drain-timeout",
                            "how long leases may finish at shutdown")
        .add<uint16_t>("http-port", "HTTP client side's port (metrics, "
                                    "health, KServe v2; off unless set; 0: "
                                    "any free port)")
        .add<std::string>("http-bind",
                          "HTTP client side's address (default 127.0.0.1)")
        .add<uint16_t>("http-operator-port",
                       "HTTP operator side's port (adds the repository "
                       "extension; off unless set)")
        .add<std::string>("http-operator-bind",
                          "HTTP operator side's address (default 127.0.0.1)")
        .add<caf::timespan>("http-timeout",
                            "how long one HTTP request may take (default 60s)")
        .add<uint64_t>("http-max-json-bytes",
                       "largest JSON document an HTTP request may carry "
                       "(default 16 MiB; tensors beyond go as binary data)");
    cmm::declare_tls_options(custom_options_);
    caf::config_option_adder{custom_options_, "cluster"}
        .add<std::vector<std::string>>(
            "peers", "other nodes' cluster endpoints, host:port")
        .add<uint16_t>("port", "cluster endpoint's port (required with peers)")
        .add<std::string>("bind", "cluster endpoint's address (default: "
                                  "node.bind)")
        .add<std::string>("name", "this node as peers name it "
                                  "(cluster.bind:cluster.port)");
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

/// One published endpoint: where it listens, for the startup line.
struct endpoint {
  std::string bind;
  uint16_t port = 0;

  std::string address() const { return bind + ":" + std::to_string(port); }
};

bool is_loopback(const std::string& bind) {
  return bind == "127.0.0.1" || bind == "::1" || bind == "localhost";
}

template <class Handle>
std::optional<endpoint> publish(caf::actor_system& sys, const Handle& handle,
                                const char* what, const std::string& bind,
                                uint16_t port) {
  auto bound = cmm::publish_endpoint(sys, handle, bind, port);
  if (!bound) {
    std::fprintf(stderr, "cmm-node: cannot open the %s endpoint on %s:%u: %s\n",
                 what, bind.c_str(), port, sys.render(bound.error()).c_str());
    return std::nullopt;
  }
  return endpoint{bind, *bound};
}

/// The HTTP fronts the configuration asks for; none where it asks for none.
struct http_fronts {
  std::unique_ptr<cmm::http_front> client;
  std::unique_ptr<cmm::http_front> operators;
};

std::optional<http_fronts>
start_http(caf::actor_system& sys, const node_config& cfg,
           const cmm::manager_config& manager_cfg,
           const cmm::model_manager& manager, cmm::client_actor client_gate,
           cmm::operator_actor operator_gate,
           std::shared_ptr<const cmm::node_status> status) {
  http_fronts fronts;
  cmm::http_settings settings;
  settings.bounds.tensors = manager_cfg.limits;
  settings.bounds.max_json_bytes = caf::get_or(cfg, "node.http-max-json-bytes",
                                               settings.bounds.max_json_bytes);
  settings.request_timeout =
      caf::get_or(cfg, "node.http-timeout", settings.request_timeout);
  settings.version = CMM_VERSION;
  if (auto tls = cmm::read_tls_settings(cfg))
    settings.tls = *tls;
  auto report = [](const char* side, const cmm::failure& why) {
    std::fprintf(stderr, "cmm-node: cannot open the HTTP %s side: %s\n", side,
                 why.message.c_str());
    return std::nullopt;
  };
  if (auto port = caf::get_if<uint16_t>(&cfg, "node.http-port")) {
    settings.bind =
        caf::get_or(cfg, "node.http-bind", std::string{"127.0.0.1"});
    settings.port = *port;
    auto front = cmm::http_front::start_client(
        sys, client_gate, manager.metrics(), status, settings);
    if (!front)
      return report("client", front.error());
    fronts.client = std::move(*front);
  }
  if (auto port = caf::get_if<uint16_t>(&cfg, "node.http-operator-port")) {
    settings.bind =
        caf::get_or(cfg, "node.http-operator-bind", std::string{"127.0.0.1"});
    settings.port = *port;
    auto front = cmm::http_front::start_operator(
        sys, operator_gate, manager.metrics(), status, settings);
    if (!front)
      return report("operator", front.error());
    fronts.operators = std::move(*front);
    if (!is_loopback(settings.bind) && !settings.tls.enabled())
      std::fprintf(stderr,
                   "cmm-node: warning: the HTTP operator side listens on %s "
                   "without TLS: whoever reaches it may load and unload\n",
                   settings.bind.c_str());
  }
  return fronts;
}

/// `--dump-config`: after CAF's settings, the catalog as parsed and
/// resolved against the defaults.
void print_catalog(const cmm::manager_config& manager_cfg) {
  std::printf("# the catalog as cmm-node parsed it\n");
  for (auto& [id, entry] : manager_cfg.models) {
    auto spec = cmm::resolve(cmm::model_spec::by_id(id), manager_cfg);
    std::string options;
    if (spec->pinned)
      options += " pin";
    if (spec->demote)
      options += " demote";
    if (spec->warmup) {
      options += std::string{" warmup="} + to_string(spec->warmup->type) + ":";
      for (size_t i = 0; i < spec->warmup->shape.size(); ++i)
        options += (i > 0 ? "x" : "") + std::to_string(spec->warmup->shape[i]);
      options += "*" + std::to_string(spec->warmup->runs);
    }
    for (auto& variant : spec->fallbacks)
      options += " fallback=" + variant.label + ":" + variant.path;
    std::printf("cmm.models.%s: path=%s type=%s device=%s dtype=%s "
                "load-timeout=%lldms%s\n",
                id.c_str(), spec->path.c_str(), spec->type.c_str(),
                spec->auto_place ? "auto" : to_string(spec->target).c_str(),
                to_string(spec->precision),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        spec->load_timeout)
                        .count()),
                options.c_str());
  }
}

int run(node_config& cfg, const cmm::manager_config& manager_cfg,
        const sigset_t& stop_signals) {
  auto bind = caf::get_or(cfg, "node.bind", std::string{"127.0.0.1"});
  auto operator_bind =
      caf::get_or(cfg, "node.operator-bind", std::string{"127.0.0.1"});
  auto peers = caf::get_or(cfg, "cluster.peers", std::vector<std::string>{});
  auto cluster_bind = caf::get_or(cfg, "cluster.bind", bind);
  auto cluster_port = caf::get_or(cfg, "cluster.port", uint16_t{0});
  if (!peers.empty() && cluster_port == 0) {
    std::fprintf(stderr, "cmm-node: a cluster node needs a fixed "
                         "--cluster.port that its peers can name\n");
    return 1;
  }
  caf::actor_system sys{cfg};
  cmm::model_manager manager{sys, manager_cfg,
                             cmm::make_default_backend(manager_cfg)};
  // In a cluster the router serves clients and operators; alone, the
  // supervisor does. Either way only through gates.
  cmm::operator_actor front = manager.supervisor();
  cmm::cluster_router_actor router;
  if (!peers.empty()) {
    cmm::cluster_config cluster;
    cluster.name = caf::get_or(
        cfg, "cluster.name", cluster_bind + ":" + std::to_string(cluster_port));
    cluster.peers = peers;
    router = cmm::spawn_cluster_router(sys, manager.supervisor(), manager_cfg,
                                       cluster);
    front = router;
  }
  auto client_gate = cmm::spawn_client_gate(sys, front);
  auto operator_gate = cmm::spawn_operator_gate(sys, front);
  auto clients = publish(sys, client_gate, "client", bind,
                         caf::get_or(cfg, "node.port", uint16_t{0}));
  auto operators =
      clients ? publish(sys, operator_gate, "operator", operator_bind,
                        caf::get_or(cfg, "node.operator-port", uint16_t{0}))
              : std::nullopt;
  std::optional<endpoint> cluster_end;
  if (operators && router)
    cluster_end = publish(sys, router, "cluster", cluster_bind, cluster_port);
  auto status = std::make_shared<cmm::node_status>();
  auto http = clients && operators && (!router || cluster_end)
                  ? start_http(sys, cfg, manager_cfg, manager, client_gate,
                               operator_gate, status)
                  : std::nullopt;
  // Nothing was served yet; as at the end, leave without waiting on CAF.
  if (!http)
    std::_Exit(1);
  if (!is_loopback(operator_bind) && !cmm::uses_tls(sys))
    std::fprintf(stderr,
                 "cmm-node: warning: the operator endpoint listens on %s "
                 "without TLS: whoever reaches it may unload and drain\n",
                 operator_bind.c_str());
  std::string http_text;
  if (http->client)
    http_text += "; HTTP on " +
                 caf::get_or(cfg, "node.http-bind", std::string{"127.0.0.1"}) +
                 ":" + std::to_string(http->client->port());
  if (http->operators)
    http_text +=
        "; HTTP operator side on " +
        caf::get_or(cfg, "node.http-operator-bind", std::string{"127.0.0.1"}) +
        ":" + std::to_string(http->operators->port());
  std::printf(
      "cmm-node listening on %s with %zu catalog model(s)%s; "
      "operator endpoint on %s%s%s\n",
      clients->address().c_str(), manager_cfg.models.size(),
      cmm::uses_tls(sys) ? " over TLS" : "", operators->address().c_str(),
      cluster_end ? ("; cluster endpoint on " + cluster_end->address()).c_str()
                  : "",
      http_text.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("cmm-node: %s: draining\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  status->draining = true;
  drain(sys, manager.supervisor(),
        caf::get_or(cfg, "node.drain-timeout",
                    caf::timespan{std::chrono::seconds{10}}));
  http->client.reset();
  http->operators.reset();
  sys.middleman().unpublish(client_gate, clients->port);
  sys.middleman().unpublish(operator_gate, operators->port);
  if (router) {
    sys.middleman().unpublish(router, cluster_end->port);
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  }
  // The last answers (the release that completed the drain) may still sit
  // in the middleman's send buffers: let them leave before the process
  // does.
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
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
  std::vector<std::string> args{argv + 1, argv + argc};
  bool dump =
      std::find(args.begin(), args.end(), "--dump-config") != args.end();
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-node: %s\n",
                 cmm::describe_parse_error(err, cfg.config_file_path).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed && !dump)
    return 0;
  auto config_error = [&](const std::string& what) {
    std::fprintf(stderr, "cmm-node: %s\n", what.c_str());
    return 2;
  };
  if (auto err =
          cfg.check_settings({"cmm", "node", "cluster"}, cfg.config_file_path))
    return config_error(err->message);
  auto mcfg = cmm::read_manager_config(cfg);
  if (!mcfg)
    return config_error(cfg.config_file_path + ": " + mcfg.error().message);
  for (auto& peer :
       caf::get_or(cfg, "cluster.peers", std::vector<std::string>{}))
    if (!cmm::parse_host_port(peer))
      return config_error(cfg.config_file_path + ": cluster.peers: '" + peer +
                          "' is not HOST:PORT");
  if (dump) {
    print_catalog(*mcfg);
    return 0;
  }
  auto tls = cmm::read_tls_settings(cfg);
  if (!tls) {
    std::fprintf(stderr, "cmm-node: %s\n", to_string(tls.error()).c_str());
    return 1;
  }
  if (auto err = cmm::enable_tls(cfg, *tls)) {
    std::fprintf(stderr, "cmm-node: %s\n", to_string(*err).c_str());
    return 1;
  }
  return run(cfg, *mcfg, stop_signals);
}
