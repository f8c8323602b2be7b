#include "cmm/torchscript_backend.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include "../temp_directory.hpp"
#include "cmm/cuda_memory.hpp"
#include "cmm/model_generator.hpp"

using namespace cmm;

namespace fs = std::filesystem;

namespace {

// A fresh directory per test case, removed afterwards.
struct fixture {
  test::temp_directory dir;
  torchscript_backend backend;

  std::string file(const std::string& name) const { return dir.file(name); }

  // Writes `bp` and loads it in `precision`, failing the test on errors.
  std::unique_ptr<loaded_model> load_model(const model_blueprint& bp,
                                           dtype precision) {
    auto path = file(bp.variant + ".pt");
    write_model(path, bp);
    auto res = backend.load(load_request{path, device{}, precision});
    if (!res)
      FAIL(to_string(res.error()));
    return std::move(*res);
  }

  failure load_error(const std::string& path) {
    auto res = backend.load(load_request{path, device{}, dtype::bf16});
    REQUIRE(!res);
    return res.error();
  }
};

model_blueprint tiny(std::string variant = "tiny", uint64_t seed = 1) {
  model_blueprint bp;
  bp.variant = std::move(variant);
  bp.seed = seed;
  return bp;
}

// Floating parameters at `float_size` bytes each plus the int64 buffer
// `positions`, which holds `width` elements.
uint64_t expected_bytes(const model_blueprint& bp, uint64_t float_size) {
  auto floats = bp.vocab * bp.width + bp.width * bp.hidden + bp.hidden +
                bp.hidden * bp.width + bp.width;
  return float_size * static_cast<uint64_t>(floats) +
         8 * static_cast<uint64_t>(bp.width);
}

// Values that suit the input's dtype: small floats, valid token ids, 0/1.
tensor make_input(dtype type, std::vector<int64_t> shape) {
  tensor shaped;
  shaped.shape = shape;
  std::vector<float> values(static_cast<size_t>(shaped.numel()));
  for (size_t i = 0; i < values.size(); ++i) {
    auto n = static_cast<float>(i);
    if (is_floating(type))
      values[i] = std::sin(n) * 0.5f;
    else if (type == dtype::boolean)
      values[i] = static_cast<float>(i % 2);
    else
      values[i] = static_cast<float>((i * 7) % 100);
  }
  return make_tensor_from_floats(type, std::move(shape), values);
}

bool all_finite(const tensor& x) {
  for (auto value : x.to_floats())
    if (!std::isfinite(value))
      return false;
  return true;
}

tensor infer_one(loaded_model& model, const tensor& input) {
  auto res = model.infer({input});
  if (!res)
    FAIL(to_string(res.error()));
  REQUIRE(res->size() == 1);
  return res->front();
}

} // namespace

TEST_CASE_METHOD(fixture, "an fp32 load keeps the saved bytes") {
  auto bp = tiny();
  auto model = load_model(bp, dtype::f32);
  CHECK(model->bytes() == expected_bytes(bp, 4));
  CHECK(model->precision() == "fp32");
  auto out = infer_one(*model, make_input(dtype::f32, {2, bp.width}));
  CHECK(out.type == dtype::f32);
}

TEST_CASE_METHOD(fixture, "16-bit loads cast floating state only") {
  auto precision = GENERATE(dtype::bf16, dtype::f16);
  auto bp = tiny();
  auto model = load_model(bp, precision);
  // Halved floating parameters, the int64 buffer still at 8 bytes each.
  CHECK(model->bytes() == expected_bytes(bp, 2));
  CHECK(model->precision() == to_string(precision));
  auto out = infer_one(*model, make_input(dtype::f32, {2, bp.width}));
  CHECK(out.type == precision);
  CHECK(all_finite(out));
}

TEST_CASE_METHOD(fixture, "every input dtype runs") {
  auto precision = GENERATE(dtype::f32, dtype::bf16, dtype::f16);
  auto bp = tiny();
  auto model = load_model(bp, precision);
  for (auto type :
       {dtype::f32, dtype::f16, dtype::bf16, dtype::u8, dtype::boolean}) {
    INFO("input dtype " << to_string(type));
    auto out = infer_one(*model, make_input(type, {2, bp.width}));
    CHECK(out.shape == std::vector<int64_t>{2, bp.width});
    CHECK(out.type == precision);
    CHECK(all_finite(out));
  }
  for (auto type : {dtype::i64, dtype::i32}) {
    INFO("input dtype " << to_string(type));
    auto out = infer_one(*model, make_input(type, {3}));
    CHECK(out.shape == std::vector<int64_t>{3, bp.width});
    CHECK(out.type == precision);
    CHECK(all_finite(out));
  }
}

TEST_CASE_METHOD(fixture, "inference is deterministic per model") {
  auto input = make_input(dtype::f32, {2, tiny().width});
  auto first = load_model(tiny("first", 11), dtype::f32);
  auto second = load_model(tiny("second", 12), dtype::f32);
  auto out = infer_one(*first, input).to_floats();
  CHECK(infer_one(*first, input).to_floats() == out);
  CHECK(infer_one(*second, input).to_floats() != out);
}

TEST_CASE_METHOD(fixture, "a bad input leaves the model usable") {
  auto bp = tiny();
  auto model = load_model(bp, dtype::bf16);
  SECTION("wrong last dimension") {
    auto res = model->infer({make_input(dtype::f32, {2, bp.width - 1})});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
    CHECK_THAT(res.error().message, Catch::Contains("shapes cannot be"));
  }
  SECTION("token id outside the vocabulary") {
    auto res = model->infer({make_tensor_from_floats(
        dtype::i64, {1}, {static_cast<float>(bp.vocab)})});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
  }
  SECTION("payload that does not match the shape") {
    auto input = make_input(dtype::f32, {2, bp.width});
    input.shape = {3, bp.width};
    auto res = model->infer({input});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
  }
  SECTION("a dtype code the project does not define") {
    // Its bytes would be read as fp32: the check comes before libtorch.
    auto input = make_input(dtype::u8, {1, bp.width});
    input.type = static_cast<dtype>(200);
    auto res = model->infer({input});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
    CHECK_THAT(res.error().message, Catch::Contains("dtype code 200"));
  }
  SECTION("a shape whose size overflows") {
    auto input = make_input(dtype::f32, {1, bp.width});
    input.shape = {(int64_t{1} << 62) + 16};
    auto res = model->infer({input});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
    CHECK_THAT(res.error().message, Catch::Contains("64 bits"));
  }
  SECTION("too many inputs") {
    auto input = make_input(dtype::f32, {2, bp.width});
    auto res = model->infer({input, input});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
  }
  auto out = infer_one(*model, make_input(dtype::f32, {2, bp.width}));
  CHECK(out.shape == std::vector<int64_t>{2, bp.width});
}

TEST_CASE_METHOD(fixture, "load failures are classified") {
  SECTION("missing file") {
    auto path = file("missing.pt");
    auto err = load_error(path);
    CHECK(err.code == errc::model_not_found);
    CHECK_THAT(err.message, Catch::Contains(path));
  }
  SECTION("random bytes") {
    auto path = file("random.pt");
    write_random_bytes(path, 4096);
    auto err = load_error(path);
    CHECK(err.code == errc::invalid_model_file);
    CHECK_THAT(err.message, Catch::Contains(path));
  }
  SECTION("truncated archive") {
    auto source = file("whole.pt");
    auto path = file("truncated.pt");
    write_model(source, tiny());
    write_truncated_copy(source, path);
    auto err = load_error(path);
    CHECK(err.code == errc::invalid_model_file);
    CHECK_THAT(err.message, Catch::Contains(path));
  }
  SECTION("zip archive without a model") {
    auto path = file("hello.zip");
    write_non_torchscript_zip(path);
    auto err = load_error(path);
    CHECK(err.code == errc::invalid_model_file);
    CHECK_THAT(err.message, Catch::Contains(path));
  }
  SECTION("directory") {
    auto path = file("models.pt");
    fs::create_directories(path);
    auto err = load_error(path);
    CHECK(err.code == errc::invalid_model_file);
    CHECK_THAT(err.message, Catch::Contains(path));
  }
}

TEST_CASE_METHOD(fixture, "mixed floating dtypes load as saved") {
  auto path = file("mixed.pt");
  write_mixed_dtype_model(path);
  auto res = backend.load(load_request{path, device{}, dtype::bf16});
  REQUIRE(res);
  auto& model = **res;
  CHECK(model.precision() == "as saved (fp32+fp16)");
  auto width = model_blueprint{}.width;
  auto out = infer_one(model, make_input(dtype::f32, {2, width}));
  CHECK(out.shape == std::vector<int64_t>{2, width});
  CHECK(out.type == dtype::f32);
  CHECK(all_finite(out));
}

TEST_CASE("check rejects devices this build cannot serve") {
  torchscript_backend backend;
  auto check = [&backend](const std::string& name) {
    auto dev = parse_device(name);
    REQUIRE(dev);
    return backend.check(load_request{"model.pt", *dev, dtype::bf16});
  };
  CHECK(!check("cpu"));
  auto sim = check("sim:0");
  REQUIRE(sim);
  CHECK(sim->code == errc::invalid_device);
  // Never a silent fallback to the CPU.
  auto gpu_visible = query_cuda_memory(0).has_value();
  auto absent = gpu_visible ? std::vector<std::string>{"cuda:999"}
                            : std::vector<std::string>{"cuda", "cuda:3"};
  for (const auto& name : absent) {
    auto err = check(name);
    REQUIRE(err);
    CHECK(err->code == errc::device_unavailable);
    CHECK_THAT(err->message, Catch::Contains(name));
  }
  if (gpu_visible)
    CHECK(!check("cuda"));
  auto int_model = backend.check(load_request{"model.pt", {}, dtype::i64});
  REQUIRE(int_model);
  CHECK(int_model->code == errc::invalid_dtype);
}

TEST_CASE_METHOD(fixture, "moving to the device the model is on succeeds") {
  auto bp = tiny();
  auto model = load_model(bp, dtype::bf16);
  auto input = make_input(dtype::f32, {2, bp.width});
  auto before = infer_one(*model, input).to_floats();
  CHECK(!model->move_to(device{}));
  auto cpu = parse_device("cpu");
  REQUIRE(cpu);
  CHECK(!model->move_to(*cpu));
  CHECK(infer_one(*model, input).to_floats() == before);
  CHECK(model->bytes() == expected_bytes(bp, 2));
}

TEST_CASE_METHOD(fixture, "a failed move leaves the model usable") {
  auto bp = tiny();
  auto model = load_model(bp, dtype::f32);
  auto input = make_input(dtype::f32, {2, bp.width});
  auto before = infer_one(*model, input).to_floats();
  auto gpu_visible = query_cuda_memory(0).has_value();
  auto absent = gpu_visible ? std::vector<std::string>{"cuda:999"}
                            : std::vector<std::string>{"cuda", "cuda:0"};
  for (const auto& name : absent) {
    INFO(name);
    auto dev = parse_device(name);
    REQUIRE(dev);
    auto err = model->move_to(*dev);
    REQUIRE(err);
    CHECK(err->code == errc::device_unavailable);
    CHECK_THAT(err->message, Catch::Contains(name));
  }
  auto sim = model->move_to(device{device::kind_t::sim, 0});
  REQUIRE(sim);
  CHECK(sim->code == errc::invalid_device);
  CHECK(infer_one(*model, input).to_floats() == before);
}

TEST_CASE_METHOD(fixture, "estimates scale the file size to the precision") {
  auto path = file("model.pt");
  auto size = write_model(path, tiny());
  auto estimate = [&](const std::string& path, dtype precision) {
    return backend.estimate_bytes(load_request{path, device{}, precision});
  };
  CHECK(estimate(path, dtype::f32) == size * 4 / 4);
  CHECK(estimate(path, dtype::bf16) == size * 2 / 4);
  CHECK(estimate(path, dtype::f16) == size * 2 / 4);
  // The estimate covers what the load measures, give or take the archive's
  // code and pickles.
  auto model = load_model(tiny(), dtype::bf16);
  CHECK(estimate(path, dtype::bf16) >= model->bytes());
  CHECK(estimate(path, dtype::bf16) < model->bytes() * 11 / 10);
  SECTION("missing file") {
    CHECK(estimate(file("missing.pt"), dtype::bf16) == 0);
  }
  SECTION("archives that load as saved count at their size") {
    auto mixed = file("mixed.pt");
    auto mixed_size = write_mixed_dtype_model(mixed);
    CHECK(estimate(mixed, dtype::bf16) == mixed_size);
  }
  SECTION("unreadable archives count as fp32") {
    auto random = file("random.pt");
    write_random_bytes(random, 4096);
    CHECK(estimate(random, dtype::bf16) == 2048);
  }
}

TEST_CASE("free device memory is known for visible CUDA devices only") {
  torchscript_backend backend;
  CHECK(!backend.free_device_memory(device{}));
  auto cuda = parse_device("cuda:0");
  REQUIRE(cuda);
  auto stats = query_cuda_memory(0);
  auto free = backend.free_device_memory(*cuda);
  CHECK(free.has_value() == stats.has_value());
  if (free)
    CHECK(*free <= stats->total_bytes);
}
