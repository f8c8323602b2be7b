// A model cast to another precision than its file's is proven before it is
// trusted: by its warmup, else by its first inference. If the cast fails
// it and the file as saved works, the model actor serves the saved one and
// the supervisor accounts for it (or, with cmm.cast-fallback=refuse, the
// failure stands and says a cast happened). Simulated files hold fp32, and
// `cast_fails=1` breaks their casts.

#include <catch2/catch.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

namespace {

constexpr auto fragile_path = "sim://fragile?bytes=1000&cast_fails=1";
constexpr auto warmed_path = "sim://warmed?bytes=1000&cast_fails=1";

manager_config casting_config(cast_fallback on_failure) {
  auto cfg = deterministic_fixture::default_config();
  cfg.dtype = "bf16";
  cfg.on_cast_failure = on_failure;
  cfg.models["fragile"] = {"fragile", fragile_path, "base", "", ""};
  cfg.models["warmed"] = {"warmed", warmed_path, "base", "", ""};
  cfg.models["warmed"].warmup = parse_warmup_spec("fp32:1x4");
  cfg.models["kept"] = {"kept", "sim://kept?bytes=1000", "base", "", "saved"};
  return cfg;
}

struct fallback_fixture : deterministic_fixture {
  fallback_fixture()
      : deterministic_fixture(casting_config(cast_fallback::as_saved)) {
    // nop
  }
};

struct refusing_fixture : deterministic_fixture {
  refusing_fixture()
      : deterministic_fixture(casting_config(cast_fallback::refuse)) {
    // nop
  }
};

tensor ones() {
  return make_tensor_from_floats(dtype::f32, {1, 4}, {1, 1, 1, 1});
}

} // namespace

TEST_CASE_METHOD(fallback_fixture,
                 "a cast that fails its first inference is replaced by the "
                 "file as saved, which serves that request",
                 "[cast]") {
  auto held = acquire("fragile");
  REQUIRE(held);
  CHECK(info("fragile").dtype == "bf16");
  auto out = ask<std::vector<tensor>>(held.value->model, infer_atom_v,
                                      std::vector<tensor>{ones()});
  REQUIRE(out);
  CHECK(out.value->front().type == dtype::f32);
  auto now = info("fragile");
  CHECK(now.dtype == "as saved (fp32)");
  CHECK_THAT(now.cast_note,
             Catch::Contains("the bf16 cast failed its first inference"));
  CHECK(now.refs == 1);
  CHECK(backend->loads(fragile_path) == 2);
  // Served as saved from now on, without loading again.
  REQUIRE(ask<std::vector<tensor>>(held.value->model, infer_atom_v,
                                   std::vector<tensor>{ones()}));
  CHECK(backend->loads(fragile_path) == 2);
  CHECK(release(*held.value));
}

TEST_CASE_METHOD(fallback_fixture,
                 "a cast that fails its warmup loads as saved before the "
                 "model is ready",
                 "[cast]") {
  auto held = acquire("warmed");
  REQUIRE(held);
  auto now = info("warmed");
  CHECK(now.dtype == "as saved (fp32)");
  CHECK_THAT(now.cast_note, Catch::Contains("the bf16 cast failed its warmup"));
  CHECK(backend->loads(warmed_path) == 2);
}

TEST_CASE_METHOD(fallback_fixture,
                 "dtype saved loads the file's own precision and never casts",
                 "[cast]") {
  CHECK(info("kept").dtype == "saved");
  auto held = acquire("kept");
  REQUIRE(held);
  CHECK(info("kept").dtype == "as saved (fp32)");
  CHECK(info("kept").cast_note.empty());
}

TEST_CASE_METHOD(refusing_fixture,
                 "with cast-fallback=refuse the failures stand and say the "
                 "model was cast",
                 "[cast]") {
  auto refused = acquire("warmed");
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error.message,
             Catch::Contains("cmm.cast-fallback=refuse"));
  auto held = acquire("fragile");
  REQUIRE(held);
  auto out = ask<std::vector<tensor>>(held.value->model, infer_atom_v,
                                      std::vector<tensor>{ones()});
  REQUIRE_FALSE(out);
  CHECK_THAT(out.error.message, Catch::Contains("the model was cast to bf16"));
  CHECK(info("fragile").dtype == "bf16");
  CHECK(backend->loads(fragile_path) == 1);
}
