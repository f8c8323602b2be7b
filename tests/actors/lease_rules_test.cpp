// The rules a lease follows at the supervisor: released only with its token
// and only from its holder's node; never granted after its caller's
// deadline. Rules that need a second node are tested through real processes
// (tests/remote/hostile_lease_test.cpp).

#include <catch2/catch.hpp>

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/send.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;
using cmm::test::deterministic_fixture;
using cmm::test::idle_actor;

TEST_CASE_METHOD(deterministic_fixture,
                 "a release with a wrong token is not permitted and the "
                 "holder keeps its lease",
                 "[release][token]") {
  auto holder = sys.spawn<idle_actor>();
  run();
  auto granted = acquire(model_spec::by_id("alpha"), holder);
  REQUIRE(granted);
  auto& held = *granted.value;
  auto wrong = release(held.id, lease_token{held.token.high, ~held.token.low});
  CHECK(wrong.error.code == errc::not_permitted);
  CHECK(wrong.error.message.find("token is wrong") != std::string::npos);
  CHECK(release(held.id, lease_token{}).error.code == errc::not_permitted);
  CHECK(info("alpha").refs == 1);
  // The test's own actor is on the holder's node: with the token it may.
  auto right = release(held);
  REQUIRE(right);
  CHECK(*right.value == 0);
  caf::anon_send_exit(holder, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_METHOD(deterministic_fixture, "an anonymous release returns nothing",
                 "[release][token]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  caf::anon_send(sup, release_atom_v, granted.value->id, granted.value->token);
  run();
  CHECK(info("alpha").refs == 1);
  CHECK(release(*granted.value));
  CHECK(info("alpha").refs == 0);
}

namespace {

double refused_give_backs(deterministic_fixture& f, const std::string& code) {
  return test::scraped(*f.metrics,
                       "cmm_releases_refused_total{code=\"" + code + "\"}");
}

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "a one-way release returns the lease without an answer",
                 "[release][give_back]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  CHECK(info("alpha").refs == 1);
  self->send(sup, give_back_atom_v, granted.value->id, granted.value->token);
  run();
  CHECK(info("alpha").refs == 0);
  // Nothing came back to the sender.
  bool answered = false;
  self->receive([&](uint32_t) { answered = true; },
                caf::after(std::chrono::seconds{0}) >> [] {});
  CHECK_FALSE(answered);
  CHECK(refused_give_backs(*this, "unknown_lease") == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a refused one-way release is counted, not silently dropped",
                 "[release][give_back]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto& held = *granted.value;
  self->send(sup, give_back_atom_v, held.id + 1000, held.token);
  self->send(sup, give_back_atom_v, held.id,
             lease_token{held.token.high, ~held.token.low});
  caf::anon_send(sup, give_back_atom_v, held.id, held.token);
  run();
  CHECK(refused_give_backs(*this, "unknown_lease") == 1);
  CHECK(refused_give_backs(*this, "not_permitted") == 2);
  CHECK(info("alpha").refs == 1);
  self->send(sup, give_back_atom_v, held.id, held.token);
  run();
  CHECK(info("alpha").refs == 0);
  // Given back twice: the second one is an unknown lease.
  self->send(sup, give_back_atom_v, held.id, held.token);
  run();
  CHECK(refused_give_backs(*this, "unknown_lease") == 2);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a local caller may name any actor of its node as holder",
                 "[acquire][holder]") {
  auto granted =
      acquire(model_spec::by_id("alpha"), caf::actor_cast<caf::actor>(sup));
  REQUIRE(granted);
  CHECK(info("alpha").refs == 1);
  CHECK(release(*granted.value));
}

namespace {

/// Posts an acquire of `alpha` whose caller waits 1 s and lets the
/// supervisor take it in, but delivers nothing else: the load is pending.
struct deadline_fixture : deterministic_fixture {
  auto post_acquire() {
    auto handle = post(sup, acquire_atom_v, model_spec::by_id("alpha"),
                       caf::actor{}, caf::timespan{1s});
    sched.run_once();
    return handle;
  }
};

} // namespace

TEST_CASE_METHOD(deadline_fixture,
                 "an acquire is granted while its caller still waits",
                 "[acquire][deadline]") {
  auto handle = post_acquire();
  advance(999ms);
  auto granted = collect<lease>(handle);
  REQUIRE(granted);
  CHECK(info("alpha").refs == 1);
}

TEST_CASE_METHOD(deadline_fixture,
                 "an acquire is not granted after its caller's deadline and "
                 "leaves no reference behind",
                 "[acquire][deadline]") {
  auto handle = post_acquire();
  advance(1s);
  auto late = collect<lease>(handle);
  REQUIRE_FALSE(late);
  CHECK(late.error.code == errc::timeout);
  CHECK(is_loaded("alpha"));
  CHECK(info("alpha").refs == 0);
}

TEST_CASE_METHOD(deadline_fixture,
                 "a deadline message before the deadline changes nothing",
                 "[acquire][deadline]") {
  auto handle = post_acquire();
  // The first waiter has id 1; a premature deadline message for it.
  caf::anon_send(sup, deadline_atom_v, std::string{"alpha"}, uint64_t{1});
  run();
  auto granted = collect<lease>(handle);
  REQUIRE(granted);
  CHECK(info("alpha").refs == 1);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "an acquire may wait at most a day, and never a negative "
                 "time",
                 "[acquire][deadline]") {
  for (auto timeout :
       {caf::timespan{std::chrono::hours{24} + 1ms}, caf::timespan{-1ms}}) {
    CAPTURE(timeout.count());
    auto refused = ask<lease>(sup, acquire_atom_v, model_spec::by_id("alpha"),
                              caf::actor{}, timeout);
    REQUIRE_FALSE(refused);
    CHECK(refused.error.code == errc::bad_input);
  }
  CHECK(ask<lease>(sup, acquire_atom_v, model_spec::by_id("alpha"),
                   caf::actor{}, caf::timespan{std::chrono::hours{24}}));
}

namespace {

/// `alpha` and `beta` do not fit the cpu budget together.
struct crowded_fixture : deterministic_fixture {
  static manager_config crowded() {
    auto cfg = default_config();
    cfg.budgets["cpu"] = 2500;
    return cfg;
  }

  crowded_fixture() : deterministic_fixture(crowded()) {
    // nop
  }
};

} // namespace

TEST_CASE_METHOD(crowded_fixture,
                 "an acquire whose caller dies before the grant leaves its "
                 "living holder no reference",
                 "[acquire][deadline]") {
  auto in_use = acquire("beta");
  REQUIRE(in_use);
  auto holder = sys.spawn<idle_actor>();
  auto sup_handle = sup;
  auto caller = sys.spawn([sup_handle, holder](caf::event_based_actor* self) {
    self->request(sup_handle, caf::infinite, acquire_atom_v,
                  model_spec::by_id("alpha"), holder,
                  caf::timespan{std::chrono::hours{1}})
        .then([](const lease&) {}, [](const caf::error&) {});
  });
  run();
  CHECK(info("alpha").state == "waiting");
  caf::anon_send_exit(caller, caf::exit_reason::kill);
  run();
  CHECK(info("alpha").state == "absent");
  // Room now: nothing loads for the dead caller, nothing goes to the holder.
  REQUIRE(release(*in_use.value));
  CHECK(info("alpha").state == "absent");
  CHECK(info("alpha").refs == 0);
  CHECK(backend->loads("sim://alpha?bytes=1000") == 0);
  caf::anon_send_exit(holder, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_METHOD(crowded_fixture,
                 "a holder that dies while its acquire waits ends the "
                 "acquire with holder_gone, and nothing loads for it",
                 "[acquire]") {
  auto in_use = acquire("beta");
  REQUIRE(in_use);
  auto holder = sys.spawn<idle_actor>();
  auto waiting = post(sup, acquire_atom_v, model_spec::by_id("alpha"), holder,
                      acquire_timeout);
  run();
  CHECK(info("alpha").state == "waiting");
  caf::anon_send_exit(holder, caf::exit_reason::kill);
  run();
  auto ended = collect<lease>(waiting);
  REQUIRE_FALSE(ended);
  CHECK(ended.error.code == errc::holder_gone);
  CHECK_THAT(ended.error.message, Catch::Contains("'alpha'"));
  CHECK(info("alpha").state == "absent");
  REQUIRE(release(*in_use.value));
  CHECK(info("alpha").state == "absent");
  CHECK(backend->loads("sim://alpha?bytes=1000") == 0);
  CHECK(test::scraped(*metrics, "cmm_leases_outstanding") == 0);
}

TEST_CASE_METHOD(crowded_fixture,
                 "an actor that holds a lease and calls an acquire for "
                 "another holder stays watched after that acquire ends",
                 "[acquire]") {
  // CAF's demonitor ends every monitor on an actor at once: ending the
  // watch on the caller must not end the one on the lease holder.
  auto other = sys.spawn<idle_actor>();
  auto sup_handle = sup;
  auto both = sys.spawn([sup_handle, other](caf::event_based_actor* self) {
    return caf::behavior{[=](caf::ok_atom) {
      self->request(sup_handle, caf::infinite, acquire_atom_v,
                    model_spec::by_id("alpha"), other,
                    caf::timespan{std::chrono::seconds{1}})
          .then([](const lease&) {}, [](const caf::error&) {});
    }};
  });
  run();
  auto held = acquire(model_spec::by_id("beta"), both);
  REQUIRE(held);
  caf::anon_send(both, caf::ok_atom_v);
  run();
  CHECK(info("alpha").state == "waiting");
  // The caller's deadline ends its acquire.
  advance(std::chrono::seconds{1});
  CHECK(info("alpha").state == "absent");
  CHECK(info("beta").refs == 1);
  caf::anon_send_exit(both, caf::exit_reason::kill);
  run();
  CHECK(info("beta").refs == 0);
  CHECK(test::scraped(*metrics, "cmm_leases_outstanding") == 0);
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_METHOD(crowded_fixture,
                 "a forced unload cancels an acquire waiting for room",
                 "[acquire][unload]") {
  auto in_use = acquire("beta");
  REQUIRE(in_use);
  auto waiting = post(sup, acquire_atom_v, model_spec::by_id("alpha"),
                      caf::actor{}, acquire_timeout);
  run();
  CHECK(info("alpha").state == "waiting");
  CHECK_FALSE(
      *ask<bool>(sup, unload_atom_v, std::string{"alpha"}, false).value);
  CHECK(*ask<bool>(sup, unload_atom_v, std::string{"alpha"}, true).value);
  auto cancelled = collect<lease>(waiting);
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error.code == errc::model_unloaded);
  CHECK(info("alpha").state == "absent");
  // Room later loads nothing for it.
  REQUIRE(release(*in_use.value));
  CHECK(info("alpha").state == "absent");
  CHECK(backend->loads("sim://alpha?bytes=1000") == 0);
}
