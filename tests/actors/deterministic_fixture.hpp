#pragma once

#include <memory>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/config.hpp"
#include "cmm/error.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/manager_metrics.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm/supervisor.hpp"

namespace cmm::test {

/// What a request returned: a value or the error.
template <class T> struct reply {
  std::optional<T> value;
  failure error;

  explicit operator bool() const { return value.has_value(); }
};

/// A series' value as a scrape of `metrics` shows it, e.g.
/// `cmm_leases_outstanding` or `cmm_releases_refused_total{code="x"}`; 0
/// for a series not there.
inline double scraped(const manager_metrics& metrics,
                      const std::string& series) {
  auto text = "\n" + metrics.render();
  auto at = text.find("\n" + series + " ");
  return at == std::string::npos
             ? 0
             : std::stod(text.substr(at + series.size() + 2));
}

/// An actor that only exists: a lease holder.
class idle_actor : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override {
    return {[](caf::ok_atom) {}};
  }
};

/// A supervisor over the simulated backend under CAF's deterministic
/// scheduler: the test decides when messages are delivered and when time
/// advances. Model actors are not detached, so they run on the same
/// scheduler.
class deterministic_fixture {
public:
  static constexpr auto idle_timeout = std::chrono::seconds{10};
  /// How long the fixture's acquires say their caller waits.
  static constexpr caf::timespan acquire_timeout = std::chrono::hours{1};

  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    return cfg;
  }

  static manager_config default_config() {
    manager_config cfg;
    cfg.idle_timeout = idle_timeout;
    cfg.detached_workers = false;
    cfg.dtype = "fp32";
    cfg.models["alpha"] = {"alpha", "sim://alpha?bytes=1000", "base", "", ""};
    cfg.models["beta"] = {"beta", "sim://beta?bytes=2000", "custom_voice", "",
                          ""};
    return cfg;
  }

  explicit deterministic_fixture(manager_config cfg = default_config())
      : sys(prepare(sys_cfg)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
        backend(std::make_shared<sim_backend>()), self(sys, true) {
    sup = spawn_supervisor(sys, std::move(cfg), backend, metrics);
    run();
  }

  ~deterministic_fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
  }

  /// Delivers every pending message.
  void run() { sched.run(); }

  /// Moves the clock forward, fires due timers and delivers the results.
  void advance(caf::timespan delta) {
    sched.advance_time(delta);
    run();
  }

  /// Sends a request to `dest` without delivering anything yet.
  template <class Handle, class... Ts>
  auto post(const Handle& dest, Ts&&... xs) {
    return self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
  }

  /// Takes the answer to a posted request out of the mailbox.
  template <class T, class ResponseHandle>
  reply<T> collect(ResponseHandle& handle) {
    reply<T> result;
    handle.receive([&](T& x) { result.value = std::move(x); },
                   [&](caf::error& err) { result.error = to_failure(err); });
    return result;
  }

  /// Sends a request to `dest`, delivers everything, returns the answer.
  template <class T, class Handle, class... Ts>
  reply<T> ask(const Handle& dest, Ts&&... xs) {
    auto handle = post(dest, std::forward<Ts>(xs)...);
    run();
    return collect<T>(handle);
  }

  reply<lease> acquire(const model_spec& spec,
                       const caf::actor& holder = caf::actor{}) {
    return ask<lease>(sup, acquire_atom_v, spec, holder, acquire_timeout);
  }

  reply<lease> acquire(const std::string& id) {
    return acquire(model_spec::by_id(id));
  }

  reply<uint32_t> release(uint64_t id, const lease_token& token) {
    return ask<uint32_t>(sup, release_atom_v, id, token);
  }

  reply<uint32_t> release(const lease& held) {
    return release(held.id, held.token);
  }

  model_info info(const std::string& name) {
    return *ask<model_info>(sup, info_atom_v, name).value;
  }

  bool is_loaded(const std::string& name) {
    return *ask<bool>(sup, is_loaded_atom_v, name).value;
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<sim_backend> backend;
  manager_metrics_ptr metrics = std::make_shared<manager_metrics>();
  caf::scoped_actor self;
  supervisor_actor sup;
};

} // namespace cmm::test
