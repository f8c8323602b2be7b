#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmm/device.hpp"
#include "cmm/dtype.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/result.hpp"

namespace cmm {

/// What a caller asks for: a catalog id, or a path plus a type (the seed's
/// `load_model(path, type, device)`). Empty device or dtype mean "default".
struct model_spec {
  std::string id;
  std::string path;
  std::string type;
  std::string device;
  std::string dtype;
  /// How long an acquire may wait for room on a full device, in
  /// milliseconds; 0 means the manager's `admission-timeout`.
  uint64_t wait_ms = 0;

  static model_spec by_id(std::string id);

  static model_spec by_path(std::string path, std::string type,
                            std::string device = {});
};

/// A spec checked against the configuration, with defaults filled in.
struct resolved_spec {
  /// The entry's key: the catalog id, else the path.
  std::string name;
  std::string id;
  std::string path;
  std::string type;
  /// The device; for `auto` placement only its kind counts (index -1) until
  /// the supervisor places the model.
  device target;
  /// `auto`, `auto:sim` or `auto:cuda`: the supervisor picks the device of
  /// that class with the best-fitting free budget.
  bool auto_place = false;
  dtype precision = dtype::bf16;
  /// Load the file's own precision; `precision` is then only what inputs
  /// of a model without floating state are cast to.
  bool keep_saved = false;
  bool pinned = false;
  bool demote = false;
  std::optional<warmup_spec> warmup;
  std::vector<model_variant> fallbacks;
  /// The catalog entry's load timeout, else the manager's.
  duration load_timeout{0};
  batch_policy batch;
};

/// The files a resolved spec may load, in order of preference: its own path
/// (label "") and then its fallbacks.
std::vector<model_variant> variants_of(const resolved_spec& spec);

/// The longest string a spec field may hold, in bytes.
constexpr size_t max_spec_field_bytes = 4096;

/// The longest wait for room an acquire may ask for: a day.
constexpr uint64_t max_wait_ms = 24 * 60 * 60 * 1000;

/// Checks what a spec from outside may cost before anything else reads it:
/// no field longer than `max_spec_field_bytes` or holding a NUL byte, and
/// `wait_ms` at most `max_wait_ms`.
std::optional<failure> check_spec_limits(const model_spec& spec);

/// Checks a spec: its limits (`check_spec_limits`), the id in the catalog,
/// the type among the allowed ones (the error lists them), device and dtype
/// well-formed.
result<resolved_spec> resolve(const model_spec& spec,
                              const manager_config& cfg);

/// What a dtype setting means on `target`: the precision to cast to, and
/// whether to keep the file's own instead (`saved`, and `auto` on the CPU;
/// `auto` elsewhere is `cfg.accelerator_dtype`).
result<std::pair<dtype, bool>> resolve_precision(const std::string& text,
                                                 const device& target,
                                                 const manager_config& cfg);

/// How long one request for `spec` may wait for room: its `wait_ms`, else
/// the manager's `admission-timeout`. A property of the request, not of the
/// entry it resolves to.
duration patience_for(const model_spec& spec, const manager_config& cfg);

/// Parses `auto` (the default device's class), `auto:cuda` or `auto:sim`
/// into a device of that kind with index -1; none for anything else.
std::optional<device> parse_auto_device(std::string_view str,
                                        std::string_view default_device);

/// Checks a type against the allowed set.
std::optional<failure> check_type(const std::string& type,
                                  const std::vector<std::string>& allowed);

} // namespace cmm
