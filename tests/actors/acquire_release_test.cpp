#include <catch2/catch.hpp>

#include <set>

#include "deterministic_fixture.hpp"

using namespace cmm;
using cmm::test::deterministic_fixture;
using cmm::test::idle_actor;

TEST_CASE_METHOD(deterministic_fixture, "a model loads lazily on first acquire",
                 "[acquire]") {
  CHECK_FALSE(is_loaded("alpha"));
  CHECK(backend->loads("sim://alpha?bytes=1000") == 0);
  CHECK(info("alpha").state == "absent");
  auto granted = acquire("alpha");
  REQUIRE(granted);
  CHECK(granted.value->name == "alpha");
  CHECK(granted.value->model);
  CHECK(is_loaded("alpha"));
  CHECK(backend->loads("sim://alpha?bytes=1000") == 1);
  auto stats = info("alpha");
  CHECK(stats.state == "ready");
  CHECK(stats.refs == 1);
  CHECK(stats.load_count == 1);
  CHECK(stats.type == "base");
  CHECK(stats.device == "cpu");
  CHECK(stats.dtype == "fp32");
}

TEST_CASE_METHOD(deterministic_fixture,
                 "two acquires share one instance and count two refs",
                 "[acquire]") {
  auto first = acquire("alpha");
  auto second = acquire("alpha");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first.value->model == second.value->model);
  CHECK(first.value->id != second.value->id);
  CHECK_FALSE(first.value->token.empty());
  CHECK(first.value->token != second.value->token);
  CHECK(info("alpha").refs == 2);
  CHECK(backend->total_loads() == 1);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "acquires that arrive during a load share that load",
                 "[acquire]") {
  auto request = [&] {
    return post(sup, acquire_atom_v, model_spec::by_id("beta"), caf::actor{},
                acquire_timeout);
  };
  std::vector<decltype(request())> pending;
  for (int i = 0; i < 5; ++i)
    pending.push_back(request());
  run();
  std::set<inference_actor> instances;
  for (auto& handle : pending) {
    auto granted = collect<lease>(handle);
    REQUIRE(granted);
    instances.insert(granted.value->model);
  }
  CHECK(instances.size() == 1);
  CHECK(backend->total_loads() == 1);
  CHECK(info("beta").refs == 5);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "releasing to zero keeps the model loaded", "[release]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto left = release(*granted.value);
  REQUIRE(left);
  CHECK(*left.value == 0);
  CHECK(is_loaded("alpha"));
  CHECK(info("alpha").refs == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "releasing twice or an unknown lease is an error, never a "
                 "negative count",
                 "[release]") {
  auto a = acquire("alpha");
  auto b = acquire("alpha");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*release(*a.value).value == 1);
  auto twice = release(*a.value);
  CHECK_FALSE(twice);
  CHECK(twice.error.code == errc::unknown_lease);
  CHECK(info("alpha").refs == 1);
  auto unknown = release(999999, draw_lease_token());
  CHECK(unknown.error.code == errc::unknown_lease);
  CHECK(*release(*b.value).value == 0);
  CHECK(info("alpha").refs == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a holder that dies returns its references", "[release]") {
  auto holder = sys.spawn<idle_actor>();
  run();
  REQUIRE(acquire(model_spec::by_id("alpha"), holder));
  REQUIRE(acquire(model_spec::by_id("alpha"), holder));
  REQUIRE(acquire("alpha"));
  CHECK(info("alpha").refs == 3);
  caf::anon_send_exit(holder, caf::exit_reason::kill);
  run();
  CHECK(info("alpha").refs == 1);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "bytes are accounted and back to zero after unload",
                 "[unload]") {
  auto a = acquire("alpha");
  auto b = acquire("beta");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(info("alpha").bytes == 1000);
  CHECK(info("beta").bytes == 2000);
  CHECK(backend->resident_bytes() == 3000);
  release(*a.value);
  release(*b.value);
  CHECK(*ask<uint32_t>(sup, unload_all_atom_v, false).value == 2);
  CHECK(info("alpha").bytes == 0);
  CHECK(info("beta").bytes == 0);
  CHECK(backend->resident_bytes() == 0);
  CHECK(backend->resident() == 0);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a bad inference input leaves the model ready", "[infer]") {
  auto granted = acquire("alpha");
  REQUIRE(granted);
  auto bad = ask<std::vector<tensor>>(granted.value->model, infer_atom_v,
                                      std::vector<tensor>{});
  CHECK_FALSE(bad);
  CHECK(bad.error.code == errc::bad_input);
  CHECK(info("alpha").state == "ready");
  auto input = make_tensor_from_floats(dtype::f32, {2}, {1.5f, -2.0f});
  auto good = ask<std::vector<tensor>>(granted.value->model, infer_atom_v,
                                       std::vector<tensor>{input});
  REQUIRE(good);
  REQUIRE(good.value->size() == 1);
  CHECK(good.value->front().to_floats() == std::vector<float>{1.5f, -2.0f});
}

TEST_CASE("a model actor refuses malformed or oversize inputs before its "
          "model sees them, and stays ready",
          "[infer][hostile]") {
  auto cfg = deterministic_fixture::default_config();
  cfg.limits.max_request_bytes = 64;
  deterministic_fixture f{cfg};
  auto granted = f.acquire("alpha");
  REQUIRE(granted);
  auto model = granted.value->model;
  auto refused = [&](tensor x) {
    auto res =
        f.ask<std::vector<tensor>>(model, infer_atom_v, std::vector<tensor>{x});
    REQUIRE_FALSE(res);
    CHECK(res.error.code == errc::bad_input);
    return res.error.message;
  };
  auto input = make_tensor_from_floats(dtype::f32, {2}, {1.5f, -2.0f});
  auto unknown = input;
  unknown.type = static_cast<dtype>(200);
  CHECK_THAT(refused(unknown), Catch::Contains("dtype code 200"));
  auto overflowing = input;
  overflowing.shape = {int64_t{1} << 62, 16};
  CHECK_THAT(refused(overflowing), Catch::Contains("64 bits"));
  auto oversize =
      make_tensor_from_floats(dtype::f32, {17}, std::vector<float>(17, 1.0f));
  CHECK_THAT(refused(oversize), Catch::Contains("cmm.max-request-bytes"));
  CHECK(f.backend->loads("sim://alpha?bytes=1000") == 1);
  CHECK(f.info("alpha").state == "ready");
  auto good = f.ask<std::vector<tensor>>(model, infer_atom_v,
                                         std::vector<tensor>{input});
  REQUIRE(good);
  CHECK(good.value->front().to_floats() == std::vector<float>{1.5f, -2.0f});
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a path-based acquire works like the seed's load_model",
                 "[acquire]") {
  auto granted = acquire(
      model_spec::by_path("sim://gamma?bytes=77", "voice_design", "sim:1"));
  REQUIRE(granted);
  CHECK(granted.value->name == "sim://gamma?bytes=77");
  auto stats = info("sim://gamma?bytes=77");
  CHECK(stats.device == "sim:1");
  CHECK(stats.type == "voice_design");
  CHECK(stats.bytes == 77);
  auto conflict = acquire(
      model_spec::by_path("sim://gamma?bytes=77", "voice_design", "sim:2"));
  CHECK(conflict.error.code == errc::placement_conflict);
}
