#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cmm/manager_config.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/tensor.hpp"
#include "timeline.hpp"

namespace cmm::demo {

/// One demo variant on disk. Its catalog id, its type and the blueprint's
/// variant are the same name (`base`, `custom_voice`, `voice_design`).
struct demo_model {
  model_blueprint blueprint;
  std::string path;

  const std::string& id() const noexcept { return blueprint.variant; }
};

/// How `prepare_model` found or made a model file.
struct prepared_model {
  demo_model model;
  bool generated = false;
  uint64_t file_bytes = 0;
  /// Time spent writing the file; zero for a cached one.
  double seconds = 0;
};

/// Writes the model for `bp` into `dir` unless a file of the size this
/// blueprint writes is already there.
prepared_model prepare_model(const std::string& dir, const model_blueprint& bp);

/// Writes `broken.pt` (random bytes, no model) into `dir`; returns its path.
std::string write_broken_model(const std::string& dir, uint64_t bytes);

/// Adds the model to the catalog under its id, as type `id` with the
/// manager's default device and dtype.
void add_to_catalog(manager_config& cfg, const demo_model& model);

/// The catalog id of the base file loaded in fp32, the model that has to
/// evict others to fit.
inline constexpr const char* wide_model_id = "base_fp32";

/// Adds `model`'s file in fp32 under `wide_model_id`.
void add_wide_variant(manager_config& cfg, const demo_model& model);

/// Unless the config sets a cpu budget, sets one that holds the three
/// variants (by the backend's estimates) and little more, so the wide
/// variant forces an eviction. Says so on the timeline.
void size_cpu_budget(timeline& tl, manager_config& cfg,
                     const std::vector<demo_model>& models);

/// A random input the model accepts: float features `[1, width]`, except
/// for `voice_design`, which gets int64 token ids `[1, 8]` to show that
/// integer inputs reach the model unchanged.
tensor make_input(const model_blueprint& bp, std::mt19937& rng);

} // namespace cmm::demo
