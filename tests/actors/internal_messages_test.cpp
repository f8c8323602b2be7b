// Messages by who may send them, inside one process: the supervisor's timers
// are its own, a model actor is loaded, moved and freed by its supervisor
// only, and gates pass on exactly their interface. Through real processes:
// tests/remote/endpoint_rules_test.cpp.

#include <catch2/catch.hpp>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "cmm/gate.hpp"
#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

namespace {

constexpr caf::timespan tick{1};

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "idle timers from any actor but the supervisor are dropped",
                 "[internal][idle]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  release(*granted.value);
  for (uint64_t instance = 0; instance < 4; ++instance)
    self->send(sup, idle_atom_v, std::string{"alpha"}, instance);
  run();
  CHECK(is_loaded("alpha"));
  advance(idle_timeout - tick);
  CHECK(is_loaded("alpha"));
  advance(tick);
  CHECK_FALSE(is_loaded("alpha"));
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a deadline from any actor but the supervisor fails no "
                 "waiter",
                 "[internal][deadline]") {
  auto pending = post(sup, acquire_atom_v, model_spec::by_id("alpha"),
                      caf::actor{}, acquire_timeout);
  for (uint64_t waiter = 0; waiter < 4; ++waiter)
    self->send(sup, deadline_atom_v, std::string{"alpha"}, waiter);
  run();
  auto granted = collect<lease>(pending);
  REQUIRE(granted);
  CHECK(info("alpha").refs == 1);
  CHECK(release(*granted.value));
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a model report from any actor but the entry's model actor "
                 "changes nothing",
                 "[internal][model]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto before = info("alpha");
  load_report forged;
  forged.bytes = 1;
  forged.precision = "forged";
  forged.cast_note = "forged";
  self->send(sup, report_atom_v, std::string{"alpha"}, forged);
  run();
  auto after = info("alpha");
  CHECK(after.bytes == before.bytes);
  CHECK(after.dtype == before.dtype);
  CHECK(after.cast_note.empty());
  CHECK(release(*granted.value));
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a model actor is loaded, moved and freed by its supervisor "
                 "only",
                 "[internal][model]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto model = caf::actor_cast<model_actor>(granted.value->model);
  auto resident = backend->resident();
  CHECK(ask<uint64_t>(model, free_atom_v).error.code == errc::not_permitted);
  CHECK(ask<load_report>(model, load_atom_v).error.code == errc::not_permitted);
  CHECK(ask<uint64_t>(model, move_atom_v, std::string{"cpu"}).error.code ==
        errc::not_permitted);
  CHECK(backend->resident() == resident);
  CHECK(backend->total_loads() == 1);
  auto input = make_tensor_from_floats(dtype::f32, {1, 2}, {0.5f, 1.5f});
  auto out = ask<std::vector<tensor>>(granted.value->model, infer_atom_v,
                                      std::vector<tensor>{input});
  REQUIRE(out);
  CHECK(out.value->size() == 1);
  CHECK(info("alpha").state == "ready");
  CHECK(release(*granted.value));
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a client gate passes client requests on and refuses the "
                 "rest",
                 "[internal][gate]") {
  auto gate = spawn_client_gate(sys, sup);
  run();
  auto any = caf::actor_cast<caf::actor>(gate);
  CHECK(ask<uint32_t>(any, drain_atom_v).error.code == errc::not_permitted);
  CHECK(ask<bool>(any, unload_atom_v, std::string{"alpha"}, true).error.code ==
        errc::not_permitted);
  CHECK(ask<std::vector<device_budget>>(any, devices_atom_v).error.code ==
        errc::not_permitted);
  auto granted = ask<lease>(gate, acquire_atom_v, model_spec::by_id("alpha"),
                            caf::actor{}, acquire_timeout);
  REQUIRE(granted);
  // A holder in the supervisor's process releases at the supervisor.
  CHECK(granted.value->owner == caf::actor_cast<client_actor>(sup));
  CHECK(info("alpha").refs == 1);
  auto left = ask<uint32_t>(gate, release_atom_v, granted.value->id,
                            granted.value->token);
  REQUIRE(left);
  CHECK(*left.value == 0);
  caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_METHOD(deterministic_fixture,
                 "an operator gate passes operator requests on and refuses "
                 "the supervisor's timers",
                 "[internal][gate]") {
  auto gate = spawn_operator_gate(sys, sup);
  run();
  auto granted = acquire("alpha");
  REQUIRE(granted);
  release(*granted.value);
  auto any = caf::actor_cast<caf::actor>(gate);
  auto timer = post(any, idle_atom_v, std::string{"alpha"}, uint64_t{1});
  run();
  CHECK(collect<bool>(timer).error.code == errc::not_permitted);
  CHECK(is_loaded("alpha"));
  auto unloaded = ask<bool>(gate, unload_atom_v, std::string{"alpha"}, false);
  REQUIRE(unloaded);
  CHECK(*unloaded.value);
  CHECK_FALSE(is_loaded("alpha"));
  caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
  run();
}
