#pragma once

#include <string>

#include "deterministic_fixture.hpp"

namespace cmm::test {

/// Simulated devices with small budgets under the deterministic scheduler.
class memory_fixture : public deterministic_fixture {
public:
  static manager_config memory_config() {
    auto cfg = default_config();
    cfg.budgets = {{"sim:0", 1000},
                   {"sim:1", 1000},
                   {"sim:2", 1000},
                   {"sim:3", 1000},
                   {"cpu", 100000}};
    for (auto id : {"a", "b", "c", "d"})
      cfg.models[id] = {id, std::string{"sim://"} + id + "?bytes=400", "base",
                        "sim:0", ""};
    return cfg;
  }

  explicit memory_fixture(manager_config cfg = memory_config())
      : deterministic_fixture(std::move(cfg)) {
    // nop
  }

  device_budget budget(const std::string& dev) {
    auto all = ask<std::vector<device_budget>>(sup, devices_atom_v);
    for (auto& b : *all.value)
      if (b.device == dev)
        return b;
    return {};
  }

  /// Holds `a` and `b`, which fill sim:0 up to 200 free bytes.
  std::pair<reply<lease>, reply<lease>> fill_sim0() {
    auto a = acquire("a");
    auto b = acquire("b");
    REQUIRE(a);
    REQUIRE(b);
    return {a, b};
  }

  /// Posts an acquire of `id` that may wait `wait_ms` for room, and
  /// delivers everything it triggers.
  auto post_waiting_acquire(const std::string& id, uint64_t wait_ms) {
    auto spec = model_spec::by_id(id);
    spec.wait_ms = wait_ms;
    auto pending =
        post(sup, acquire_atom_v, spec, caf::actor{}, acquire_timeout);
    run();
    return pending;
  }

  /// Acquires and releases at once: the model ends up loaded and idle.
  void touch(const std::string& id) {
    auto granted = acquire(id);
    REQUIRE(granted);
    REQUIRE(release(*granted.value));
  }
};

} // namespace cmm::test
