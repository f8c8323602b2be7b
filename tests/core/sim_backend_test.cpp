#include "cmm/sim_backend.hpp"

#include <cmath>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "cmm/backend_router.hpp"

using namespace cmm;
using Catch::Matchers::Contains;

namespace {

using kind = device::kind_t;

load_request request(std::string path, device target = {},
                     dtype precision = dtype::bf16) {
  load_request req;
  req.path = std::move(path);
  req.target = target;
  req.precision = precision;
  return req;
}

std::unique_ptr<loaded_model> must_load(backend& b, const load_request& req) {
  auto res = b.load(req);
  if (!res)
    FAIL("load of " << req.path << " failed: " << to_string(res.error()));
  return std::move(res.value());
}

struct fail_case {
  const char* kind;
  errc code;
};

} // namespace

TEST_CASE("the sim backend counts loads per path and in total",
          "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  CHECK(b->loads("sim://a") == 0);
  CHECK(b->total_loads() == 0);
  auto a1 = must_load(*b, request("sim://a"));
  auto a2 = must_load(*b, request("sim://a"));
  auto c1 = must_load(*b, request("sim://c?bytes=1"));
  CHECK(b->loads("sim://a") == 2);
  CHECK(b->loads("sim://c?bytes=1") == 1);
  CHECK(b->loads("sim://c") == 0);
  CHECK(b->total_loads() == 3);
  // Unloading does not reset the counters.
  a1.reset();
  CHECK(b->loads("sim://a") == 2);
  CHECK(b->total_loads() == 3);
}

TEST_CASE("the sim backend tracks resident models and their bytes",
          "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  CHECK(b->resident() == 0);
  CHECK(b->resident_bytes() == 0);
  auto x = must_load(*b, request("sim://x?bytes=1000"));
  CHECK(x->bytes() == 1000);
  CHECK(b->resident() == 1);
  CHECK(b->resident_bytes() == 1000);
  auto y = must_load(*b, request("sim://y?bytes=234&load_ms=0&infer_ms=0"));
  CHECK(y->bytes() == 234);
  CHECK(b->resident() == 2);
  CHECK(b->resident_bytes() == 1234);
  auto z = must_load(*b, request("sim://z"));
  CHECK(z->bytes() == 1u << 20);
  CHECK(b->resident() == 3);
  CHECK(b->resident_bytes() == 1234 + (1u << 20));
  x.reset();
  CHECK(b->resident() == 2);
  CHECK(b->resident_bytes() == 234 + (1u << 20));
  z.reset();
  y.reset();
  CHECK(b->resident() == 0);
  CHECK(b->resident_bytes() == 0);
}

TEST_CASE("a simulated model keeps its backend alive", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  std::weak_ptr<sim_backend> weak = b;
  auto m = must_load(*b, request("sim://m?bytes=5"));
  b.reset();
  CHECK_FALSE(weak.expired());
  m.reset();
  CHECK(weak.expired());
}

TEST_CASE("a simulated model reports the precision it was loaded in",
          "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto precision = GENERATE(dtype::bf16, dtype::f16, dtype::f32);
  auto m = must_load(*b, request("sim://p", {}, precision));
  CHECK(m->precision() == to_string(precision));
}

TEST_CASE("simulated failures map to the documented error codes",
          "[sim_backend]") {
  auto c = GENERATE(values<fail_case>({
      {"not_found", errc::model_not_found},
      {"corrupt", errc::invalid_model_file},
      {"oom", errc::out_of_memory},
      {"other", errc::load_failed},
  }));
  CAPTURE(c.kind);
  auto b = std::make_shared<sim_backend>();
  auto path = std::string{"sim://f?bytes=10&fail="} + c.kind;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto res = b->load(request(path));
    REQUIRE_FALSE(res);
    CHECK(res.error().code == c.code);
    CHECK_THAT(res.error().message, Contains(path));
    CHECK(b->loads(path) == static_cast<uint32_t>(attempt));
  }
  CHECK(b->total_loads() == 3);
  CHECK(b->resident() == 0);
  CHECK(b->resident_bytes() == 0);
}

TEST_CASE("fail_times fails the first loads, then succeeds", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto path = std::string{"sim://t?bytes=7&fail=oom&fail_times=2"};
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto res = b->load(request(path));
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::out_of_memory);
  }
  CHECK(b->resident() == 0);
  auto m = must_load(*b, request(path));
  CHECK(m->bytes() == 7);
  CHECK(b->loads(path) == 3);
  CHECK(b->resident() == 1);
  CHECK(b->resident_bytes() == 7);
  auto again = must_load(*b, request(path));
  CHECK(b->loads(path) == 4);
}

TEST_CASE("fail_times=0 never fails", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto m = must_load(*b, request("sim://z?fail=corrupt&fail_times=0"));
  CHECK(b->resident() == 1);
}

TEST_CASE("the sim backend accepts cpu and sim devices", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto target = GENERATE(device{kind::cpu, -1}, device{kind::sim, -1},
                         device{kind::sim, 0}, device{kind::sim, 3});
  CAPTURE(to_string(target));
  CHECK_FALSE(b->check(request("sim://d", target)));
  auto m = must_load(*b, request("sim://d", target));
  CHECK(m != nullptr);
}

TEST_CASE("the sim backend rejects cuda devices", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto target = GENERATE(device{kind::cuda, -1}, device{kind::cuda, 0},
                         device{kind::cuda, 5});
  CAPTURE(to_string(target));
  auto err = b->check(request("sim://d", target));
  REQUIRE(err);
  CHECK(err->code == errc::device_unavailable);
  auto res = b->load(request("sim://d", target));
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::device_unavailable);
  // A rejected request is no load attempt.
  CHECK(b->loads("sim://d") == 0);
  CHECK(b->total_loads() == 0);
}

TEST_CASE("the sim backend rejects malformed queries", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto path = GENERATE(as<std::string>{}, "sim://q?bytes", "sim://q?bytes=x",
                       "sim://q?size=10", "sim://q?bytes=1&&load_ms=2",
                       "sim://q?load_ms=", "sim://q?fail_times=many");
  CAPTURE(path);
  auto err = b->check(request(path));
  REQUIRE(err);
  CHECK(err->code == errc::invalid_spec);
  CHECK_THAT(err->message, Contains("'" + path + "'"));
  auto res = b->load(request(path));
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::invalid_spec);
  CHECK(b->total_loads() == 0);
}

TEST_CASE("simulated inference passes integer inputs through",
          "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto m = must_load(*b, request("sim://i", {}, dtype::bf16));
  auto ids = make_tensor_from_floats(dtype::i64, {1, 3}, {1.f, 2.f, 3.f});
  auto mask = make_tensor_from_floats(dtype::boolean, {1, 3}, {1.f, 0.f, 1.f});
  auto bytes = make_tensor_from_floats(dtype::u8, {2}, {7.f, 255.f});
  auto small = make_tensor_from_floats(dtype::i32, {1}, {-4.f});
  auto res = m->infer({ids, mask, bytes, small});
  REQUIRE(res);
  REQUIRE(res->size() == 4);
  const tensor* inputs[] = {&ids, &mask, &bytes, &small};
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    auto& out = (*res)[i];
    CHECK(out.type == inputs[i]->type);
    CHECK(out.shape == inputs[i]->shape);
    CHECK(out.bytes == inputs[i]->bytes);
  }
}

TEST_CASE("simulated inference casts floating inputs to the model precision",
          "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  std::vector<float> values{1.0f, -2.5f, 0.1f, 3.14159f, 1000.7f, -1e-3f};
  auto input = make_tensor_from_floats(dtype::f32, {2, 3}, values);
  SECTION("bf16") {
    auto m = must_load(*b, request("sim://c", {}, dtype::bf16));
    auto res = m->infer({input});
    REQUIRE(res);
    REQUIRE(res->size() == 1);
    auto& out = res->front();
    CHECK(out.type == dtype::bf16);
    CHECK(out.shape == input.shape);
    CHECK(out.nbytes() == 12);
    auto floats = out.to_floats();
    REQUIRE(floats.size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      CAPTURE(i, values[i], floats[i]);
      // bf16 keeps 8 significant bits: relative error at most 2^-9.
      CHECK(std::fabs(floats[i] - values[i]) <=
            std::fabs(values[i]) * (1.0f / 512));
      CHECK(floats[i] == bf16_to_float(float_to_bf16(values[i])));
    }
    CHECK(floats[0] == 1.0f);
    CHECK(floats[1] == -2.5f);
  }
  SECTION("f16") {
    auto m = must_load(*b, request("sim://c", {}, dtype::f16));
    auto res = m->infer({input});
    REQUIRE(res);
    auto& out = res->front();
    CHECK(out.type == dtype::f16);
    auto floats = out.to_floats();
    REQUIRE(floats.size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      CAPTURE(i);
      CHECK(floats[i] == f16_to_float(float_to_f16(values[i])));
    }
  }
  SECTION("a bf16 input to an fp32 model") {
    auto m = must_load(*b, request("sim://c", {}, dtype::f32));
    auto half = make_tensor_from_floats(dtype::bf16, {2}, {1.0f, -2.5f});
    auto res = m->infer({half});
    REQUIRE(res);
    auto& out = res->front();
    CHECK(out.type == dtype::f32);
    CHECK(out.to_floats() == std::vector<float>{1.0f, -2.5f});
  }
  SECTION("an input already in the model precision is not copied") {
    auto m = must_load(*b, request("sim://c", {}, dtype::f32));
    auto res = m->infer({input});
    REQUIRE(res);
    CHECK(res->front().bytes == input.bytes);
  }
}

TEST_CASE("simulated inference rejects an empty input list", "[sim_backend]") {
  auto b = std::make_shared<sim_backend>();
  auto m = must_load(*b, request("sim://e"));
  auto res = m->infer({});
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::bad_input);
  // The model stays usable.
  auto ok = m->infer({make_tensor_from_floats(dtype::i64, {1}, {1.f})});
  CHECK(ok);
}

TEST_CASE("backend_router sends sim:// paths to the sim backend",
          "[backend_router]") {
  auto sim = std::make_shared<sim_backend>();
  auto fallback = std::make_shared<sim_backend>();
  backend_router router{fallback};
  router.add("sim://", sim);
  SECTION("a sim:// path") {
    CHECK_FALSE(router.check(request("sim://r")));
    auto m = must_load(router, request("sim://r?bytes=3"));
    CHECK(m->bytes() == 3);
    CHECK(sim->loads("sim://r?bytes=3") == 1);
    CHECK(sim->resident() == 1);
    CHECK(fallback->total_loads() == 0);
    CHECK(fallback->resident() == 0);
  }
  SECTION("any other path") {
    auto path = GENERATE(as<std::string>{}, "/models/a.pt", "sim:/x", "sim",
                         "SIM://x", "");
    CAPTURE(path);
    CHECK_FALSE(router.check(request(path)));
    auto m = must_load(router, request(path));
    CHECK(fallback->loads(path) == 1);
    CHECK(fallback->resident() == 1);
    CHECK(sim->total_loads() == 0);
  }
  SECTION("checks go to the selected backend") {
    auto cuda = device{kind::cuda, 0};
    auto err = router.check(request("sim://r", cuda));
    REQUIRE(err);
    CHECK(err->code == errc::device_unavailable);
    auto bad = router.check(request("/m?bogus", {}));
    REQUIRE(bad);
    CHECK(bad->code == errc::invalid_spec);
  }
}

TEST_CASE("backend_router uses the first matching route", "[backend_router]") {
  auto first = std::make_shared<sim_backend>();
  auto second = std::make_shared<sim_backend>();
  auto fallback = std::make_shared<sim_backend>();
  backend_router router{fallback};
  router.add("sim://", first);
  router.add("sim://special", second);
  auto m = must_load(router, request("sim://special"));
  CHECK(first->total_loads() == 1);
  CHECK(second->total_loads() == 0);
  CHECK(fallback->total_loads() == 0);
}
