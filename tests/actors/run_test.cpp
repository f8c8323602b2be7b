// The fused `run`: acquire, infer and release in one request, the answer
// from the model actor, the reference held for exactly the inference.

#include <catch2/catch.hpp>

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/manager_error.hpp"
#include "deterministic_fixture.hpp"
#include "threaded_fixture.hpp"

using namespace cmm;
using namespace cmm::test;
using namespace std::chrono_literals;

namespace {

std::vector<tensor> row_input(float value, int64_t rows = 1) {
  std::vector<float> values(static_cast<size_t>(rows * 4), value);
  return {make_tensor_from_floats(dtype::f32, {rows, 4}, values)};
}

double refs_of(const manager_metrics& metrics, const std::string& model) {
  return scraped(metrics, "cmm_model_references{model=\"" + model +
                              "\",device=\"cpu\"}");
}

double leases_out(const manager_metrics& metrics) {
  return scraped(metrics, "cmm_leases_outstanding");
}

/// Loads `alpha` and returns its model actor, with nothing held.
inference_actor loaded_alpha(deterministic_fixture& f) {
  auto granted = f.acquire("alpha");
  REQUIRE(granted);
  auto model = granted.value->model;
  REQUIRE(f.release(*granted.value));
  return model;
}

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "a run answers from the model actor and holds its reference "
                 "for exactly the inference",
                 "[run]") {
  loaded_alpha(*this);
  auto input = row_input(1.5f);
  auto handle =
      post(sup, run_atom_v, model_spec::by_id("alpha"), acquire_timeout, input);
  // The supervisor grants and hands the request to the model actor.
  sched.run_once();
  CHECK(refs_of(*metrics, "alpha") == 1);
  CHECK(leases_out(*metrics) == 1);
  // The model actor infers, answers the caller, and tells the supervisor.
  sched.run_once();
  CHECK(refs_of(*metrics, "alpha") == 1);
  run();
  CHECK(refs_of(*metrics, "alpha") == 0);
  CHECK(leases_out(*metrics) == 0);
  auto out = collect<std::vector<tensor>>(handle);
  REQUIRE(out);
  REQUIRE(out.value->size() == 1);
  CHECK(*(*out.value)[0].bytes == *input[0].bytes);
  CHECK(info("alpha").refs == 0);
  CHECK(info("alpha").state == "ready");
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a run of a cold model loads it once and leaves it idle",
                 "[run]") {
  auto out =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               acquire_timeout, row_input(2.f));
  REQUIRE(out);
  CHECK(backend->total_loads() == 1);
  auto state = info("alpha");
  CHECK(state.state == "ready");
  CHECK(state.refs == 0);
  CHECK(leases_out(*metrics) == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a run's errors come back and leave nothing held", "[run]") {
  auto unknown =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("nope"),
                               acquire_timeout, row_input(1.f));
  CHECK(unknown.error.code == errc::unknown_model);
  auto bad_wait =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               caf::timespan{-1}, row_input(1.f));
  CHECK(bad_wait.error.code == errc::bad_input);
  // The model refuses the inputs: the lease still comes back.
  auto empty =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               acquire_timeout, std::vector<tensor>{});
  CHECK(empty.error.code == errc::bad_input);
  CHECK(info("alpha").refs == 0);
  CHECK(leases_out(*metrics) == 0);
}

namespace {

/// Sends one run and ends at once: a caller that dies during its run.
class vanishing_caller : public caf::event_based_actor {
public:
  vanishing_caller(caf::actor_config& cfg, supervisor_actor sup)
      : caf::event_based_actor(cfg), sup_(std::move(sup)) {
    // nop
  }

  caf::behavior make_behavior() override {
    send(sup_, run_atom_v, model_spec::by_id("alpha"),
         caf::timespan{std::chrono::hours{1}}, row_input(3.f));
    quit();
    return {};
  }

private:
  supervisor_actor sup_;
};

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "a run's reference comes back when its caller dies", "[run]") {
  auto model = loaded_alpha(*this);
  sys.spawn<vanishing_caller>(sup);
  // Deliver everything but the model actor's work: the run waits in its
  // mailbox, not yet inferred, so only the caller's death can return it.
  auto* model_job = dynamic_cast<caf::resumable*>(
      caf::actor_cast<caf::abstract_actor*>(model));
  REQUIRE(model_job != nullptr);
  bool model_has_work = false;
  for (;;) {
    auto& jobs = sched.jobs;
    auto other = std::find_if(jobs.begin(), jobs.end(), [&](caf::resumable* x) {
      return x != model_job;
    });
    model_has_work =
        std::find(jobs.begin(), jobs.end(), model_job) != jobs.end();
    if (other == jobs.end())
      break;
    std::rotate(jobs.begin(), other, std::next(other));
    sched.run_once();
  }
  REQUIRE(model_has_work);
  CHECK(refs_of(*metrics, "alpha") == 0);
  CHECK(leases_out(*metrics) == 0);
  // The model actor infers and its late `done` finds nothing to return;
  // the node still serves.
  run();
  CHECK(refs_of(*metrics, "alpha") == 0);
  CHECK(scraped(*metrics,
                "cmm_releases_refused_total{code=\"not_permitted\"}") == 0);
  auto out =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               acquire_timeout, row_input(1.f));
  CHECK(out);
  CHECK(info("alpha").refs == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a run's reference comes back when the model actor dies",
                 "[run]") {
  auto model = loaded_alpha(*this);
  auto handle = post(sup, run_atom_v, model_spec::by_id("alpha"),
                     acquire_timeout, row_input(1.f));
  // The model actor dies before it gets to the run the supervisor is about
  // to hand it.
  caf::anon_send_exit(model, caf::exit_reason::user_shutdown);
  sched.run_once();
  CHECK(refs_of(*metrics, "alpha") == 1);
  run();
  auto out = collect<std::vector<tensor>>(handle);
  CHECK_FALSE(out);
  CHECK(leases_out(*metrics) == 0);
  auto state = ask<model_info>(sup, info_atom_v, std::string{"alpha"});
  INFO(to_string(state.error));
  REQUIRE(state);
  CHECK(state.value->state == "absent");
  // A new run loads the model again.
  auto again =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               acquire_timeout, row_input(1.f));
  CHECK(again);
  CHECK(backend->total_loads() == 2);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "only the model actor of a run ends it, and only with its "
                 "token",
                 "[run]") {
  auto model = loaded_alpha(*this);
  // Lease ids count up: the run's lease is the next one.
  auto held = acquire("alpha");
  REQUIRE(held);
  auto run_id = held.value->id + 1;
  // A forged run sent straight to the model actor, naming the coming run's
  // lease with a made-up token, is answered but ends nothing.
  auto forged = post(caf::actor_cast<model_actor>(model), run_atom_v, run_id,
                     lease_token{1, 2}, row_input(5.f));
  auto real = post(sup, run_atom_v, model_spec::by_id("alpha"), acquire_timeout,
                   row_input(1.f));
  // A `done` from anyone but the model actor is dropped.
  self->send(sup, done_atom_v, held.value->id, held.value->token);
  run();
  CHECK(collect<std::vector<tensor>>(forged));
  CHECK(collect<std::vector<tensor>>(real));
  CHECK(scraped(*metrics,
                "cmm_releases_refused_total{code=\"not_permitted\"}") == 1);
  CHECK(info("alpha").refs == 1);
  CHECK(release(*held.value));
  CHECK(leases_out(*metrics) == 0);
}

TEST_CASE_METHOD(deterministic_fixture, "a draining node refuses runs",
                 "[run]") {
  loaded_alpha(*this);
  auto drained = ask<uint32_t>(sup, drain_atom_v);
  REQUIRE(drained);
  auto out =
      ask<std::vector<tensor>>(sup, run_atom_v, model_spec::by_id("alpha"),
                               acquire_timeout, row_input(1.f));
  CHECK(out.error.code == errc::shutting_down);
}

namespace {

manager_config run_race_config() {
  manager_config cfg;
  cfg.dtype = "fp32";
  cfg.models["slow"] = {"slow", "sim://slow?bytes=4096&load_ms=100", "base", "",
                        ""};
  return cfg;
}

} // namespace

TEST_CASE("64 threads running one cold model load it once and leave no "
          "reference",
          "[run][concurrency]") {
  threaded_fixture f{run_race_config()};
  blocking_client client{f.sys, 30s};
  constexpr int threads = 64;
  constexpr int runs_each = 20;
  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < runs_each; ++i) {
        auto input = row_input(static_cast<float>(t * 1000 + i));
        try {
          auto out = client.infer_once(model_spec::by_id("slow"), input);
          if (out.size() != 1 || *out[0].bytes != *input[0].bytes)
            ++wrong;
        } catch (const manager_error&) {
          ++failed;
        }
      }
    });
  for (auto& w : workers)
    w.join();
  CHECK(failed == 0);
  CHECK(wrong == 0);
  CHECK(f.backend->total_loads() == 1);
  auto state = client.get_model_info("slow");
  REQUIRE(state);
  CHECK(state->refs == 0);
  auto& metrics = *f.manager->metrics();
  CHECK(scraped(metrics, "cmm_leases_outstanding") == 0);
  CHECK(scraped(metrics,
                "cmm_model_inference_requests_total{model=\"slow\","
                "device=\"cpu\",outcome=\"success\"}") == threads * runs_each);
}
