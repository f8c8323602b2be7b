#include "cmm/torchscript_backend.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "../temp_directory.hpp"
#include "cmm/model_generator.hpp"

using namespace cmm;

namespace fs = std::filesystem;

namespace {

// An fp32 model and its int8 twin from one blueprint, both loaded.
struct fixture {
  test::temp_directory dir;
  torchscript_backend backend;
  model_blueprint bp = blueprint_of_size("quant", 0.5);
  std::string fp32_path = dir.file("quant.pt");
  std::string int8_path = dir.file("quant-int8.pt");
  uint64_t fp32_size = 0;
  uint64_t int8_size = 0;

  fixture() {
    if (!can_write_quantized_models())
      return;
    fp32_size = write_model(fp32_path, bp);
    int8_size = write_quantized_model(int8_path, bp);
  }

  std::unique_ptr<loaded_model> load(const std::string& path, dtype precision) {
    auto res = backend.load(load_request{path, device{}, precision});
    if (!res)
      FAIL(to_string(res.error()));
    return std::move(*res);
  }
};

// Stops a test case where libtorch cannot pack quantized weights.
#define REQUIRE_QUANTIZED_ENGINE()                                             \
  if (!can_write_quantized_models()) {                                         \
    WARN("skipped: this libtorch has no quantized engine");                    \
    return;                                                                    \
  }

tensor infer_one(loaded_model& model, const tensor& input) {
  auto res = model.infer({input});
  if (!res)
    FAIL(to_string(res.error()));
  REQUIRE(res->size() == 1);
  return res->front();
}

tensor floats(dtype type, int64_t rows, int64_t width) {
  std::vector<float> values(static_cast<size_t>(rows * width));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = std::sin(static_cast<float>(i)) * 0.5f;
  return make_tensor_from_floats(type, {rows, width}, values);
}

tensor token_ids(int64_t count, int64_t vocab) {
  std::vector<float> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(static_cast<float>((i * 97) % vocab));
  return make_tensor_from_floats(dtype::i64, {count}, values);
}

// The largest difference relative to the reference's largest magnitude.
double relative_error(const tensor& x, const tensor& reference) {
  auto xs = x.to_floats();
  auto ys = reference.to_floats();
  REQUIRE(xs.size() == ys.size());
  double max_diff = 0;
  double max_ref = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    REQUIRE(std::isfinite(xs[i]));
    max_diff = std::max(max_diff, std::abs(double{xs[i]} - ys[i]));
    max_ref = std::max(max_ref, std::abs(double{ys[i]}));
  }
  REQUIRE(max_ref > 0);
  return max_diff / max_ref;
}

} // namespace

TEST_CASE_METHOD(fixture, "an int8 file is a fraction of the fp32 one") {
  REQUIRE_QUANTIZED_ENGINE();
  CHECK(int8_size == fs::file_size(int8_path));
  CHECK(!fs::exists(int8_path + ".tmp"));
  CHECK(static_cast<double>(fp32_size) / int8_size >= 2.5);
  // Same blueprint, same bytes.
  auto again = dir.file("again-int8.pt");
  CHECK(write_quantized_model(again, bp) == int8_size);
}

TEST_CASE_METHOD(fixture, "an int8 model loads as saved") {
  REQUIRE_QUANTIZED_ENGINE();
  auto precision = GENERATE(dtype::bf16, dtype::f32);
  auto model = load(int8_path, precision);
  CHECK(model->precision() == "as saved (quantized)");
  // The packed weights are no parameters; their int8 elements still count,
  // and so does the engine's packed copy of the linear layers' weights.
  auto linear_elements = 2 * bp.width * bp.hidden;
  auto int8_elements = bp.vocab * bp.width + 2 * linear_elements;
  CHECK(model->bytes() >= static_cast<uint64_t>(int8_elements));
  auto reference = load(fp32_path, dtype::f32);
  CHECK(model->bytes() * 10 / 6 <= reference->bytes());
  // The load keeps the file's size: the estimate does not scale it.
  CHECK(backend.estimate_bytes(load_request{int8_path, device{}, precision}) ==
        int8_size);
}

TEST_CASE_METHOD(fixture, "an int8 model infers close to the fp32 one") {
  REQUIRE_QUANTIZED_ENGINE();
  auto model = load(int8_path, dtype::bf16);
  auto reference = load(fp32_path, dtype::f32);
  for (auto type : {dtype::f32, dtype::bf16}) {
    INFO("input dtype " << to_string(type));
    auto input = floats(type, 3, bp.width);
    auto out = infer_one(*model, input);
    CHECK(out.type == dtype::f32);
    CHECK(out.shape == std::vector<int64_t>{3, bp.width});
    CHECK(relative_error(out, infer_one(*reference, input)) < 0.1);
  }
  auto ids = token_ids(5, bp.vocab);
  auto out = infer_one(*model, ids);
  CHECK(out.shape == std::vector<int64_t>{5, bp.width});
  CHECK(relative_error(out, infer_one(*reference, ids)) < 0.1);
}

TEST_CASE_METHOD(fixture, "an int8 model stays on the CPU") {
  REQUIRE_QUANTIZED_ENGINE();
  auto model = load(int8_path, dtype::bf16);
  auto input = floats(dtype::f32, 2, bp.width);
  auto before = infer_one(*model, input).to_floats();
  CHECK(!model->move_to(device{}));
  auto cuda = parse_device("cuda:0");
  REQUIRE(cuda);
  auto err = model->move_to(*cuda);
  REQUIRE(err);
  CHECK((err->code == errc::device_unavailable ||
         err->code == errc::load_failed));
  CHECK(infer_one(*model, input).to_floats() == before);
}

TEST_CASE_METHOD(fixture, "a bad input leaves an int8 model usable") {
  REQUIRE_QUANTIZED_ENGINE();
  auto model = load(int8_path, dtype::bf16);
  SECTION("wrong last dimension") {
    auto res = model->infer({floats(dtype::f32, 2, bp.width - 1)});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
  }
  SECTION("token id outside the vocabulary") {
    auto res = model->infer({make_tensor_from_floats(
        dtype::i64, {1}, {static_cast<float>(bp.vocab)})});
    REQUIRE(!res);
    CHECK(res.error().code == errc::bad_input);
  }
  auto out = infer_one(*model, floats(dtype::f32, 2, bp.width));
  CHECK(out.shape == std::vector<int64_t>{2, bp.width});
}
