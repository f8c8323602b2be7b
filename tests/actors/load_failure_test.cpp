#include <catch2/catch.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

namespace {

manager_config with_failing_models() {
  auto cfg = deterministic_fixture::default_config();
  cfg.models["corrupt"] = {"corrupt", "sim://corrupt?fail=corrupt", "base", "",
                           ""};
  cfg.models["flaky"] = {"flaky", "sim://flaky?fail=corrupt&fail_times=1",
                         "base", "", ""};
  cfg.models["oom"] = {"oom", "sim://oom?fail=oom&fail_times=2", "base", "",
                       ""};
  return cfg;
}

struct failing_fixture : deterministic_fixture {
  failing_fixture() : deterministic_fixture(with_failing_models()) {
    // nop
  }
};

} // namespace

TEST_CASE_METHOD(failing_fixture, "a failed load is not retried until reset",
                 "[failure]") {
  auto first = acquire("corrupt");
  CHECK(first.error.code == errc::invalid_model_file);
  auto second = acquire("corrupt");
  CHECK(second.error.code == errc::invalid_model_file);
  CHECK_THAT(second.error.message, Catch::Contains("reset"));
  CHECK(backend->loads("sim://corrupt?fail=corrupt") == 1);
  auto stats = info("corrupt");
  CHECK(stats.state == "failed");
  CHECK(stats.load_count == 1);
  CHECK_THAT(stats.last_error, Catch::Contains("invalid_model_file"));
  CHECK(*ask<bool>(sup, reset_atom_v, std::string{"corrupt"}).value);
  CHECK(info("corrupt").state == "absent");
  CHECK(acquire("corrupt").error.code == errc::invalid_model_file);
  CHECK(backend->loads("sim://corrupt?fail=corrupt") == 2);
}

TEST_CASE_METHOD(failing_fixture, "after a reset a repaired model loads",
                 "[failure]") {
  CHECK(acquire("flaky").error.code == errc::invalid_model_file);
  CHECK(acquire("flaky").error.code == errc::invalid_model_file);
  CHECK(*ask<bool>(sup, reset_atom_v, std::string{"flaky"}).value);
  auto granted = acquire("flaky");
  REQUIRE(granted);
  auto stats = info("flaky");
  CHECK(stats.state == "ready");
  CHECK(stats.load_count == 2);
  CHECK(stats.last_error.empty());
}

TEST_CASE_METHOD(failing_fixture,
                 "every acquire waiting on a failing load gets its error",
                 "[failure]") {
  auto request = [&] {
    return post(sup, acquire_atom_v, model_spec::by_id("corrupt"), caf::actor{},
                acquire_timeout);
  };
  std::vector<decltype(request())> pending;
  for (int i = 0; i < 3; ++i)
    pending.push_back(request());
  run();
  for (auto& handle : pending)
    CHECK(collect<lease>(handle).error.code == errc::invalid_model_file);
  CHECK(backend->loads("sim://corrupt?fail=corrupt") == 1);
}

TEST_CASE_METHOD(failing_fixture, "a transient failure backs off, then loads",
                 "[failure]") {
  CHECK(acquire("oom").error.code == errc::out_of_memory);
  CHECK(acquire("oom").error.code == errc::out_of_memory);
  // The load and its one retry after running out of memory; then no more.
  CHECK(info("oom").load_count == 2);
  sched.clock().current_time += retry_policy{}.transient_base;
  auto granted = acquire("oom");
  REQUIRE(granted);
  CHECK(info("oom").load_count == 3);
}

TEST_CASE_METHOD(failing_fixture,
                 "bad specs get clear errors and the manager keeps serving",
                 "[failure]") {
  auto unknown_type = acquire(model_spec::by_path("sim://x", "tts_large"));
  CHECK(unknown_type.error.code == errc::unknown_type);
  CHECK_THAT(unknown_type.error.message,
             Catch::Contains("base, custom_voice, voice_design"));
  auto bad_device = acquire(model_spec::by_path("sim://x", "base", "gpu0"));
  CHECK(bad_device.error.code == errc::invalid_device);
  auto no_cuda = acquire(model_spec::by_path("sim://x", "base", "cuda:0"));
  CHECK(no_cuda.error.code == errc::device_unavailable);
  auto missing = acquire(model_spec::by_path("sim://x?fail=not_found", "base"));
  CHECK(missing.error.code == errc::model_not_found);
  auto unknown_id = acquire("delta");
  CHECK(unknown_id.error.code == errc::unknown_model);
  auto bad_dtype = model_spec::by_id("alpha");
  bad_dtype.dtype = "int4";
  CHECK(acquire(bad_dtype).error.code == errc::invalid_dtype);
  CHECK(acquire("alpha"));
  CHECK(is_loaded("alpha"));
  auto lookup = ask<model_info>(sup, info_atom_v, std::string{"nothing"});
  CHECK(lookup.error.code == errc::unknown_model);
}
