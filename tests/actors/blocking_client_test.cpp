#include <catch2/catch.hpp>

#include <chrono>

#include <caf/actor_system.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "threaded_fixture.hpp"

using namespace cmm;

namespace {

manager_config client_config() {
  manager_config cfg;
  cfg.dtype = "bf16";
  cfg.models["voice"] = {"voice", "sim://voice?bytes=64", "custom_voice", "",
                         "fp32"};
  return cfg;
}

struct client_fixture : test::threaded_fixture {
  client_fixture() : threaded_fixture(client_config()) {
    // nop
  }
};

} // namespace

TEST_CASE_METHOD(client_fixture, "the blocking client mirrors the seed's API",
                 "[client]") {
  blocking_client client{sys};
  CHECK_FALSE(client.is_model_loaded("sim://base"));
  auto first = client.load_model("sim://base", "base");
  auto second = client.load_model("sim://base", "base");
  CHECK(first.model() == second.model());
  CHECK(client.is_model_loaded("sim://base"));
  auto stats = client.get_model_info("sim://base");
  REQUIRE(stats);
  CHECK(stats->refs == 2);
  CHECK(stats->dtype == "bf16");
  CHECK(client.release_model(first) == 1);
  CHECK_FALSE(first);
  CHECK_FALSE(client.unload_model("sim://base"));
  CHECK(client.cleanup_idle_models().empty());
  second.reset();
  CHECK(client.unload_model("sim://base"));
  CHECK_FALSE(client.is_model_loaded("sim://base"));
  CHECK_FALSE(client.get_model_info("sim://nothing"));
  CHECK(client.unload_all() == 0);
}

TEST_CASE_METHOD(client_fixture,
                 "the blocking client infers and casts floats to the model "
                 "dtype",
                 "[client]") {
  blocking_client client{sys};
  auto held = client.acquire(model_spec::by_id("voice"));
  auto floats = make_tensor_from_floats(dtype::bf16, {2}, {0.5f, 2.0f});
  auto ids = make_tensor_from_floats(dtype::i64, {3}, {1, 2, 3});
  auto out = client.infer(held.get(), {floats, ids});
  REQUIRE(out.size() == 2);
  CHECK(out[0].type == dtype::f32);
  CHECK(out[0].to_floats() == std::vector<float>{0.5f, 2.0f});
  CHECK(out[1].type == dtype::i64);
  CHECK(out[1].bytes == ids.bytes);
}

TEST_CASE_METHOD(client_fixture, "the blocking client throws clear errors",
                 "[client]") {
  blocking_client client{sys};
  try {
    client.load_model("sim://x", "vocoder");
    FAIL("acquire of an unknown type succeeded");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::unknown_type);
    CHECK_THAT(std::string{err.what()}, Catch::Contains("vocoder"));
  }
  CHECK_THROWS_AS(client.acquire(model_spec::by_id("nope")), manager_error);
  CHECK(client.load_model("sim://fine", "base"));
}

TEST_CASE_METHOD(client_fixture,
                 "destroying a client returns the leases it holds",
                 "[client]") {
  blocking_client observer{sys};
  {
    blocking_client client{sys};
    auto held = client.acquire(model_spec::by_id("voice"));
    held.dismiss();
    CHECK(observer.get_model_info("voice")->refs == 1);
  }
  // The holder's exit reaches the supervisor asynchronously: poll for it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  uint32_t refs = 1;
  while (refs != 0 && std::chrono::steady_clock::now() < deadline)
    refs = observer.get_model_info("voice")->refs;
  CHECK(refs == 0);
}

TEST_CASE("a client without a manager fails clearly", "[client]") {
  caf::actor_system_config cfg;
  register_types(cfg);
  caf::actor_system sys{cfg};
  try {
    blocking_client client{sys};
    FAIL("constructed a client without a manager");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::manager_unavailable);
  }
}
