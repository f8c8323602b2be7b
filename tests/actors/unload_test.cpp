#include <catch2/catch.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;

TEST_CASE_METHOD(deterministic_fixture,
                 "unload is refused with refs, done with force, and holders "
                 "then get model_unloaded",
                 "[unload]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto refused = ask<bool>(sup, unload_atom_v, std::string{"alpha"}, false);
  REQUIRE(refused);
  CHECK_FALSE(*refused.value);
  CHECK(is_loaded("alpha"));
  auto forced = ask<bool>(sup, unload_atom_v, std::string{"alpha"}, true);
  REQUIRE(forced);
  CHECK(*forced.value);
  CHECK_FALSE(is_loaded("alpha"));
  CHECK(backend->resident() == 0);
  auto input = make_tensor_from_floats(dtype::f32, {1}, {1.0f});
  auto after = ask<std::vector<tensor>>(granted.value->model, infer_atom_v,
                                        std::vector<tensor>{input});
  CHECK(after.error.code == errc::model_unloaded);
  CHECK_THAT(after.error.message, Catch::Contains("acquire it again"));
  // Releasing the revoked lease settles it; a second release is an error.
  CHECK(release(*granted.value));
  CHECK(release(*granted.value).error.code == errc::unknown_lease);
  CHECK(info("alpha").refs == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "unloading an unknown or absent model answers false",
                 "[unload]") {
  CHECK_FALSE(*ask<bool>(sup, unload_atom_v, std::string{"nope"}, true).value);
  CHECK_FALSE(*ask<bool>(sup, unload_atom_v, std::string{"alpha"}, true).value);
}

TEST_CASE_METHOD(deterministic_fixture, "unload_all counts what it unloaded",
                 "[unload]") {
  auto a = acquire("alpha");
  auto b = acquire("beta");
  auto c = acquire(model_spec::by_path("sim://gamma", "base"));
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  release(*a.value);
  release(*c.value);
  CHECK(*ask<uint32_t>(sup, unload_all_atom_v, false).value == 2);
  CHECK(is_loaded("beta"));
  CHECK(*ask<uint32_t>(sup, unload_all_atom_v, true).value == 1);
  CHECK(*ask<uint32_t>(sup, unload_all_atom_v, true).value == 0);
  CHECK(backend->resident() == 0);
  // The list still names every entry and catalog id, all absent now.
  auto rows = *ask<std::vector<model_info>>(sup, list_atom_v).value;
  CHECK(rows.size() == 3);
  for (auto& row : rows) {
    CAPTURE(row.name);
    CHECK(row.state == "absent");
  }
}

TEST_CASE_METHOD(deterministic_fixture,
                 "an acquire during an unload waits, then loads anew",
                 "[unload]") {
  auto first = acquire("alpha");
  REQUIRE(first);
  release(*first.value);
  // Both messages queue before either is handled.
  auto unloading = post(sup, unload_atom_v, std::string{"alpha"}, false);
  auto acquiring = post(sup, acquire_atom_v, model_spec::by_id("alpha"),
                        caf::actor{}, acquire_timeout);
  run();
  auto unloaded = collect<bool>(unloading);
  auto second = collect<lease>(acquiring);
  REQUIRE(unloaded);
  CHECK(*unloaded.value);
  REQUIRE(second);
  CHECK(second.value->model != first.value->model);
  CHECK(info("alpha").load_count == 2);
  CHECK(info("alpha").refs == 1);
  CHECK(backend->resident() == 1);
}
