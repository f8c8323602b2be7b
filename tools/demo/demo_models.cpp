#include "demo_models.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "cmm/default_backend.hpp"
#include "cmm/model_spec.hpp"

namespace fs = std::filesystem;

namespace cmm::demo {

namespace {

constexpr int64_t token_count = 8;

uint64_t parameter_bytes(const model_blueprint& bp) {
  auto floats =
      bp.vocab * bp.width + 2 * bp.width * bp.hidden + bp.hidden + bp.width;
  auto longs = bp.width; // the `positions` buffer
  return static_cast<uint64_t>(floats * 4 + longs * 8);
}

// A file from an earlier run is reused only if its size fits the blueprint
// (parameters plus a little archive overhead), so that changing
// --demo.size-mb regenerates the files instead of feeding them inputs of
// the wrong width.
bool fits_blueprint(const std::string& path, const model_blueprint& bp) {
  constexpr uint64_t max_overhead = 64 * 1024;
  std::error_code err;
  auto size = fs::file_size(path, err);
  auto params = parameter_bytes(bp);
  return !err && size >= params && size <= params + max_overhead;
}

} // namespace

prepared_model prepare_model(const std::string& dir,
                             const model_blueprint& bp) {
  prepared_model out;
  out.model.blueprint = bp;
  out.model.path = (fs::path{dir} / (bp.variant + ".pt")).string();
  if (fits_blueprint(out.model.path, bp)) {
    out.file_bytes = fs::file_size(out.model.path);
    return out;
  }
  fs::create_directories(dir);
  auto start = std::chrono::steady_clock::now();
  out.file_bytes = write_model(out.model.path, bp);
  out.seconds =
      std::chrono::duration<double>{std::chrono::steady_clock::now() - start}
          .count();
  out.generated = true;
  return out;
}

std::string write_broken_model(const std::string& dir, uint64_t bytes) {
  auto path = (fs::path{dir} / "broken.pt").string();
  fs::create_directories(dir);
  write_random_bytes(path, bytes);
  return path;
}

void add_to_catalog(manager_config& cfg, const demo_model& model) {
  cfg.models[model.id()] =
      catalog_entry{model.id(), model.path, model.id(), {}, {}};
}

void add_wide_variant(manager_config& cfg, const demo_model& model) {
  cfg.models[wide_model_id] =
      catalog_entry{wide_model_id, model.path, model.id(), {}, "fp32"};
}

void size_cpu_budget(timeline& tl, manager_config& cfg,
                     const std::vector<demo_model>& models) {
  if (cfg.budgets.count("cpu") > 0)
    return;
  auto backend = make_default_backend(cfg);
  // The cpu's reading of the dtype setting: `auto` keeps the files' own.
  auto precision = resolve_precision(cfg.dtype, device{}, cfg);
  if (!precision)
    throw std::runtime_error(to_string(precision.error()));
  uint64_t total = 0;
  for (const auto& model : models)
    total += backend->estimate_bytes(
        {model.path, device{}, precision->first, precision->second});
  cfg.budgets["cpu"] = total + total / 20;
  tl.say("cpu budget {:.1f} MB: the three variants fit, little else",
         cfg.budgets["cpu"] / 1e6);
}

tensor make_input(const model_blueprint& bp, std::mt19937& rng) {
  if (bp.variant == "voice_design") {
    std::uniform_int_distribution<int64_t> token{0, bp.vocab - 1};
    std::vector<float> ids(token_count);
    for (auto& x : ids)
      x = static_cast<float>(token(rng));
    return make_tensor_from_floats(dtype::i64, {1, token_count}, ids);
  }
  std::normal_distribution<float> feature;
  std::vector<float> values(static_cast<size_t>(bp.width));
  for (auto& x : values)
    x = feature(rng);
  return make_tensor_from_floats(dtype::f32, {1, bp.width}, values);
}

} // namespace cmm::demo
