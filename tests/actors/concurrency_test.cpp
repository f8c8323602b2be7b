#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/error.hpp"
#include "threaded_fixture.hpp"

using namespace cmm;

namespace {

constexpr auto slow_model = "sim://slow?bytes=4096&load_ms=200";

manager_config race_config() {
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.models["slow"] = {"slow", slow_model, "base", "", ""};
  for (int i = 0; i < 4; ++i) {
    auto id = "m" + std::to_string(i);
    cfg.models[id] = {id, "sim://" + id + "?bytes=100&load_ms=5", "base", "",
                      ""};
  }
  return cfg;
}

struct race_fixture : test::threaded_fixture {
  race_fixture() : threaded_fixture(race_config()) {
    // nop
  }
};

/// Acquires `id`, reports the lease to `observer`, then releases it when
/// told to.
caf::behavior racing_client(caf::event_based_actor* self, supervisor_actor sup,
                            caf::actor observer, std::string id) {
  self->request(sup, std::chrono::seconds{31}, acquire_atom_v,
                model_spec::by_id(id), caf::actor{},
                caf::timespan{std::chrono::seconds{30}})
      .then(
          [=](const lease& granted) {
            self->send(observer, granted);
            self->become([=](release_atom) {
              self->request(sup, std::chrono::seconds{30}, release_atom_v,
                            granted.id, granted.token)
                  .then(
                      [=](uint32_t) { self->send(observer, caf::ok_atom_v); });
            });
          },
          [=](const caf::error& err) { self->send(observer, err); });
  return {[](caf::ok_atom) {}};
}

} // namespace

TEST_CASE_METHOD(race_fixture,
                 "100 actors racing to acquire one cold model cause exactly "
                 "one load",
                 "[concurrency]") {
  caf::scoped_actor self{sys};
  std::vector<caf::actor> clients;
  for (int i = 0; i < 100; ++i)
    clients.push_back(sys.spawn(racing_client, manager->supervisor(),
                                caf::actor{self}, std::string{"slow"}));
  std::set<inference_actor> instances;
  int failures = 0;
  for (int i = 0; i < 100; ++i)
    self->receive(
        [&](const lease& granted) { instances.insert(granted.model); },
        [&](const caf::error&) { ++failures; },
        caf::after(std::chrono::seconds{30}) >> [&] { ++failures; });
  CHECK(failures == 0);
  CHECK(instances.size() == 1);
  CHECK(backend->loads(slow_model) == 1);
  blocking_client client{sys};
  CHECK(client.get_model_info("slow")->refs == 100);
  for (auto& c : clients)
    self->send(c, release_atom_v);
  for (int i = 0; i < 100; ++i)
    self->receive([](caf::ok_atom) {},
                  caf::after(std::chrono::seconds{30}) >> [&] { ++failures; });
  CHECK(failures == 0);
  auto stats = client.get_model_info("slow");
  CHECK(stats->refs == 0);
  CHECK(stats->load_count == 1);
  CHECK(stats->state == "ready");
  for (auto& c : clients)
    caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(race_fixture,
                 "threads hammering four models with acquire, infer, release, "
                 "forced unloads and cleanups leak nothing",
                 "[concurrency]") {
  std::atomic<int> unexpected{0};
  std::atomic<int> inferences{0};
  auto worker = [&](unsigned seed) {
    blocking_client client{sys, std::chrono::seconds{30}};
    std::mt19937 rng{seed};
    for (int round = 0; round < 150; ++round) {
      auto id = "m" + std::to_string(rng() % 4);
      try {
        switch (rng() % 8) {
        case 0:
          client.unload_model(id, true);
          break;
        case 1:
          client.cleanup_idle_models();
          break;
        default: {
          auto held = client.acquire(model_spec::by_id(id));
          auto input = make_tensor_from_floats(dtype::f32, {1}, {1.0f});
          try {
            client.infer(held.get(), {input});
            ++inferences;
          } catch (const manager_error& err) {
            // A concurrent forced unload may revoke the lease.
            if (err.code() != errc::model_unloaded)
              ++unexpected;
          }
          if (rng() % 2 == 0)
            client.release_model(held);
          break;
        }
        }
      } catch (const manager_error& err) {
        // A concurrent forced unload may also cancel the load an acquire
        // waits for.
        if (err.code() != errc::model_unloaded)
          ++unexpected;
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 8; ++i)
    threads.emplace_back(worker, 1000 + i);
  for (auto& t : threads)
    t.join();
  CHECK(unexpected == 0);
  CHECK(inferences > 0);
  // Every lease went back, explicitly or when its scoped_lease died: those
  // releases were sent before the threads joined, so they arrive first.
  blocking_client client{sys};
  uint32_t ready = 0;
  for (auto& stats : client.get_cached_models()) {
    CHECK(stats.refs == 0);
    if (stats.state == "ready")
      ++ready;
  }
  CHECK(backend->resident() == ready);
  client.unload_all(true);
  CHECK(backend->resident() == 0);
}
