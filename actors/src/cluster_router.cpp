#include "cluster_router_state.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/cluster_placement.hpp"
#include "cmm/error.hpp"
#include "cmm/host_port.hpp"
#include "cmm/log.hpp"
#include "cmm/remote.hpp"
#include "refuse_unexpected.hpp"

namespace cmm {

namespace {

auto& log() {
  static auto instance = logger("cluster");
  return instance;
}

bool is_resident(const std::string& state) {
  return state == "ready" || state == "loading" || state == "waiting" ||
         state == "sizing";
}

} // namespace

void cluster_router_state::init(router_pointer ptr, supervisor_actor local_sup,
                                manager_config config,
                                cluster_config cluster_cfg) {
  self = ptr;
  local = std::move(local_sup);
  cfg = std::move(config);
  cluster = std::move(cluster_cfg);
  for (auto& peer : cluster.peers)
    if (initiates(peer))
      connect(peer);
}

bool cluster_router_state::initiates(const std::string& peer) const {
  // One connection per pair of nodes: two nodes connecting to each other at
  // once leave CAF 0.17's TLS module with neither connection working.
  return cluster.name < peer;
}

time_point cluster_router_state::now() const {
  return self->clock().now();
}

// -- peers --------------------------------------------------------------------

void cluster_router_state::connect(const std::string& peer) {
  auto endpoint = parse_host_port(peer);
  if (!endpoint) {
    log()->error("peer '{}' is not host:port", peer);
    return;
  }
  auto host = endpoint->host;
  auto port = endpoint->port;
  auto mm = node_connector(self->home_system());
  auto retry = [this, peer] {
    self->delayed_send(self, cluster.reconnect_interval, retry_atom_v, peer);
  };
  self->request(mm, cluster.request_timeout, caf::connect_atom::value, host,
                port)
      .then(
          [this, peer, retry](const caf::node_id&, caf::strong_actor_ptr& ptr,
                              const std::set<std::string>& interface) {
            if (!ptr || !self->home_system().assignable<cluster_router_actor>(
                            interface)) {
              log()->warn("{} is not a cluster endpoint; retrying", peer);
              retry();
              return;
            }
            auto router = caf::actor_cast<cluster_router_actor>(ptr);
            self->request(router, cluster.request_timeout, hello_atom_v,
                          cluster.name, caf::actor_cast<caf::actor>(local))
                .then(
                    [this, peer, router](const caf::actor& peer_local) {
                      add_peer(peer, router, peer_local);
                    },
                    [retry](const caf::error&) { retry(); });
          },
          [retry](const caf::error&) { retry(); });
}

void cluster_router_state::add_peer(const std::string& name,
                                    const cluster_router_actor& router,
                                    const caf::actor& peer_local) {
  self->monitor(router);
  peers[name] = {router, caf::actor_cast<supervisor_actor>(peer_local)};
  log()->info("joined peer {}", name);
}

caf::result<caf::actor>
cluster_router_state::hello(const std::string& name,
                            const caf::actor& peer_local) {
  auto router = caf::actor_cast<cluster_router_actor>(self->current_sender());
  auto known = std::find(cluster.peers.begin(), cluster.peers.end(), name);
  if (known == cluster.peers.end() || initiates(name) || !router ||
      !peer_local) {
    log()->warn("refused a hello from '{}': not a peer that joins this node",
                name);
    return make_error(errc::not_permitted,
                      "'" + name + "' is not a peer that joins this node");
  }
  add_peer(name, router, peer_local);
  return caf::actor_cast<caf::actor>(local);
}

void cluster_router_state::on_peer_down(const caf::down_msg& msg) {
  for (auto i = peers.begin(); i != peers.end(); ++i) {
    if (i->second.router.address() != msg.source)
      continue;
    auto name = i->first;
    log()->warn("peer {} is gone; its models will be placed anew", name);
    peers.erase(i);
    for (auto& [id, p] : placements)
      if (p.node == name)
        p.node.clear();
    // A peer that joined this node joins again when it is back.
    if (initiates(name))
      connect(name);
    return;
  }
}

std::vector<std::string> cluster_router_state::live_peers() const {
  std::vector<std::string> result;
  for (auto& [name, peer] : peers)
    result.push_back(name);
  return result;
}

std::vector<std::string> cluster_router_state::live_nodes() const {
  auto result = live_peers();
  result.push_back(cluster.name);
  return result;
}

std::optional<supervisor_actor>
cluster_router_state::supervisor_of(const std::string& node) const {
  if (node == cluster.name)
    return local;
  auto i = peers.find(node);
  if (i == peers.end())
    return std::nullopt;
  return i->second.local;
}

// -- placement ----------------------------------------------------------------

void cluster_router_state::locate(const std::string& id,
                                  placement_callback then) {
  auto coordinator = *coordinator_of(id, live_nodes());
  if (coordinator == cluster.name) {
    place_here(id, std::move(then));
    return;
  }
  self->request(peers[coordinator].router, cluster.request_timeout,
                place_atom_v, id)
      .then([then](const std::string& node) { then(node, std::nullopt); },
            [then](const caf::error& err) { then({}, to_failure(err)); });
}

caf::typed_response_promise<std::string>
cluster_router_state::place(const std::string& id) {
  auto rp = self->make_response_promise<std::string>();
  place_here(id, [rp](const std::string& node,
                      const std::optional<failure>& err) mutable {
    if (err)
      rp.deliver(make_error(*err));
    else
      rp.deliver(node);
  });
  return rp;
}

void cluster_router_state::place_here(const std::string& id,
                                      placement_callback then) {
  auto& p = placements[id];
  if (p.failed && !may_retry(*p.failed, now())) {
    then({}, refusal(*p.failed, now()));
    return;
  }
  if (!p.node.empty() && supervisor_of(p.node)) {
    then(p.node, std::nullopt);
    return;
  }
  p.node.clear();
  p.waiting.push_back(std::move(then));
  if (p.waiting.size() == 1)
    decide(id);
}

void cluster_router_state::decide(const std::string& id) {
  auto spec = resolve(model_spec::by_id(id), cfg);
  if (!spec) {
    settle(id, {}, spec.error());
    return;
  }
  auto device = to_string(spec->target);
  struct survey {
    size_t left = 0;
    std::string ready_on;
    std::string loading_on;
    std::map<std::string, uint64_t> free;
  };
  auto s = std::make_shared<survey>();
  auto nodes = live_nodes();
  s->left = 2 * nodes.size();
  auto done = [this, id, s] {
    if (--s->left > 0)
      return;
    auto node = !s->ready_on.empty()     ? s->ready_on
                : !s->loading_on.empty() ? s->loading_on
                                         : most_free_node(s->free).value_or("");
    if (node.empty())
      settle(id, {},
             failure{errc::manager_unavailable,
                     "no node of the cluster answered about '" + id + "'"});
    else
      settle(id, node, std::nullopt);
  };
  for (auto& node : nodes) {
    auto sup = *supervisor_of(node);
    self->request(sup, cluster.request_timeout, info_atom_v, id)
        .then(
            [s, node, done](const model_info& info) {
              if (info.state == "ready")
                s->ready_on = node;
              else if (is_resident(info.state))
                s->loading_on = node;
              done();
            },
            [done](const caf::error&) { done(); });
    self->request(sup, cluster.request_timeout, devices_atom_v)
        .then(
            [s, node, device, done](const std::vector<device_budget>& budgets) {
              // A device a node has not used yet is wholly free there.
              uint64_t free = UINT64_MAX;
              for (auto& b : budgets)
                if (b.device == device)
                  free = b.free_bytes();
              s->free[node] = free;
              done();
            },
            [done](const caf::error&) { done(); });
  }
}

void cluster_router_state::settle(const std::string& id,
                                  const std::string& node,
                                  const std::optional<failure>& err) {
  auto& p = placements[id];
  p.node = node;
  if (!node.empty())
    log()->info("'{}' lives on {}", id, node);
  auto waiting = std::move(p.waiting);
  p.waiting.clear();
  for (auto& then : waiting)
    then(node, err);
}

void cluster_router_state::report(const std::string& id, uint8_t code,
                                  const std::string& text) {
  auto known = errc_from_code(code);
  if (!known) {
    log()->warn("dropped a failure report for '{}' with unknown code {}", id,
                code);
    return;
  }
  failure cause{*known, text};
  auto& p = placements[id];
  uint32_t previous = p.failed ? p.failed->consecutive : 0;
  p.failed = record_failure(cfg.retry, cause, now(), previous);
  p.node.clear();
  log()->warn(
      "'{}' failed to load ({}): refused cluster-wide for {} s", id,
      to_string(cause),
      std::chrono::duration_cast<std::chrono::seconds>(p.failed->retry_after)
          .count());
}

void cluster_router_state::report_failure(const std::string& id,
                                          const failure& err) {
  if (!is_permanent(classify(err.code)))
    return;
  auto coordinator = *coordinator_of(id, live_nodes());
  auto code = static_cast<uint8_t>(err.code);
  if (coordinator == cluster.name)
    report(id, code, err.message);
  else
    self->send(peers[coordinator].router, report_atom_v, id, code, err.message);
}

template <class T, class Send>
caf::typed_response_promise<T>
cluster_router_state::route(const std::string& id, Send send) {
  auto rp = self->template make_response_promise<T>();
  locate(id, [this, id, rp, send](const std::string& node,
                                  const std::optional<failure>& err) mutable {
    if (err) {
      rp.deliver(make_error(*err));
      return;
    }
    auto sup = supervisor_of(node);
    if (!sup) {
      rp.deliver(make_error(errc::manager_unavailable,
                            "node " + node + " that holds '" + id +
                                "' is unreachable"));
      return;
    }
    send(*sup).then([rp](T& x) mutable { rp.deliver(std::move(x)); },
                    [this, id, rp](const caf::error& err) mutable {
                      report_failure(id, to_failure(err));
                      rp.deliver(err);
                    });
  });
  return rp;
}

// -- behavior -----------------------------------------------------------------

namespace {

/// A request naming its model by path stays on this node (and the
/// supervisor refuses paths from remote callers): the local supervisor
/// answers the original sender.
template <class T, class... Ts>
caf::typed_response_promise<T>
to_local(router_pointer self, const supervisor_actor& local, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  rp.delegate(local, std::forward<Ts>(xs)...);
  return rp;
}

cluster_router_actor::behavior_type
cluster_router_impl(router_pointer self, supervisor_actor local,
                    manager_config cfg, cluster_config cluster) {
  self->set_default_handler(refuse_unexpected);
  self->set_down_handler(
      [self](caf::down_msg& msg) { self->state.on_peer_down(msg); });
  self->state.init(self, local, std::move(cfg), std::move(cluster));
  auto timeout = self->state.cluster.request_timeout;
  return {
      [=](acquire_atom, const model_spec& spec, const caf::actor& holder,
          caf::timespan wait) -> caf::typed_response_promise<lease> {
        if (spec.id.empty())
          return to_local<lease>(self, local, acquire_atom_v, spec, holder,
                                 wait);
        auto who = holder ? holder
                          : caf::actor_cast<caf::actor>(self->current_sender());
        // The node that grants learns the caller's deadline; locating the
        // model spends part of it.
        auto deadline = self->clock().now() + wait;
        return self->state.template route<lease>(
            spec.id, [=](const supervisor_actor& sup) {
              auto left = deadline - self->clock().now();
              return self->request(sup, left + reply_margin, acquire_atom_v,
                                   spec, who, left);
            });
      },
      [=](run_atom, const model_spec& spec, caf::timespan wait,
          std::vector<tensor>& inputs)
          -> caf::typed_response_promise<std::vector<tensor>> {
        if (spec.id.empty())
          return to_local<std::vector<tensor>>(self, local, run_atom_v, spec,
                                               wait, std::move(inputs));
        // The inference itself gets the cluster's request timeout.
        auto deadline = self->clock().now() + wait;
        return self->state.template route<std::vector<tensor>>(
            spec.id, [=](const supervisor_actor& sup) {
              auto left = deadline - self->clock().now();
              return self->request(sup, left + timeout, run_atom_v, spec, left,
                                   inputs);
            });
      },
      [=](preload_atom,
          const model_spec& spec) -> caf::typed_response_promise<model_info> {
        if (spec.id.empty())
          return to_local<model_info>(self, local, preload_atom_v, spec);
        return self->state.template route<model_info>(
            spec.id, [=](const supervisor_actor& sup) {
              return self->request(sup, timeout, preload_atom_v, spec);
            });
      },
      [=](release_atom x, uint64_t id, const lease_token& token) {
        return self->delegate(local, x, id, token);
      },
      [=](give_back_atom x, uint64_t id, const lease_token& token) {
        self->delegate(local, x, id, token);
      },
      [=](unload_atom x, const std::string& name, bool force) {
        return self->delegate(local, x, name, force);
      },
      [=](unload_all_atom x, bool force) {
        return self->delegate(local, x, force);
      },
      [=](cleanup_atom x) { return self->delegate(local, x); },
      [=](is_loaded_atom x, const std::string& name) {
        return self->delegate(local, x, name);
      },
      [=](list_atom x) { return self->delegate(local, x); },
      [=](info_atom x, const std::string& name) {
        return self->delegate(local, x, name);
      },
      [=](reset_atom x, const std::string& name) {
        return self->delegate(local, x, name);
      },
      [=](devices_atom x) { return self->delegate(local, x); },
      [=](drain_atom x) { return self->delegate(local, x); },
      [=](place_atom, const std::string& id) { return self->state.place(id); },
      [=](peers_atom) { return self->state.live_peers(); },
      [=](hello_atom, const std::string& name, const caf::actor& peer_local) {
        return self->state.hello(name, peer_local);
      },
      [=](report_atom, const std::string& id, uint8_t code,
          const std::string& text) { self->state.report(id, code, text); },
      [=](retry_atom, const std::string& peer) {
        if (self->current_sender() == self->ctrl())
          self->state.connect(peer);
      },
  };
}

} // namespace

cluster_router_actor spawn_cluster_router(caf::actor_system& sys,
                                          supervisor_actor local,
                                          manager_config cfg,
                                          cluster_config cluster) {
  return sys.spawn(cluster_router_impl, std::move(local), std::move(cfg),
                   std::move(cluster));
}

} // namespace cmm
