#include "cmm/model_spec.hpp"

#include <algorithm>

namespace cmm {

model_spec model_spec::by_id(std::string id) {
  model_spec spec;
  spec.id = std::move(id);
  return spec;
}

model_spec model_spec::by_path(std::string path, std::string type,
                               std::string device) {
  model_spec spec;
  spec.path = std::move(path);
  spec.type = std::move(type);
  spec.device = std::move(device);
  return spec;
}

std::optional<failure> check_type(const std::string& type,
                                  const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), type) != allowed.end())
    return std::nullopt;
  std::string names;
  for (auto& name : allowed) {
    if (!names.empty())
      names += ", ";
    names += name;
  }
  return failure{errc::unknown_type, "unknown model type '" + type +
                                         "': allowed types are " + names};
}

std::optional<device> parse_auto_device(std::string_view str,
                                        std::string_view default_device) {
  device place;
  if (str == "auto:cuda") {
    place.kind = device::kind_t::cuda;
  } else if (str == "auto:sim") {
    place.kind = device::kind_t::sim;
  } else if (str == "auto") {
    auto fallback = parse_device(default_device);
    if (fallback)
      place.kind = fallback->kind;
  } else {
    return std::nullopt;
  }
  return place;
}

std::vector<model_variant> variants_of(const resolved_spec& spec) {
  std::vector<model_variant> result{{"", spec.path}};
  result.insert(result.end(), spec.fallbacks.begin(), spec.fallbacks.end());
  return result;
}

std::optional<failure> check_spec_limits(const model_spec& spec) {
  std::pair<const char*, const std::string*> fields[] = {
      {"id", &spec.id},
      {"path", &spec.path},
      {"type", &spec.type},
      {"device", &spec.device},
      {"dtype", &spec.dtype}};
  for (auto [name, value] : fields) {
    if (value->size() > max_spec_field_bytes)
      return failure{errc::invalid_spec,
                     std::string{"the spec's "} + name + " holds " +
                         std::to_string(value->size()) + " bytes; at most " +
                         std::to_string(max_spec_field_bytes) +
                         " are accepted"};
    if (value->find('\0') != std::string::npos)
      return failure{errc::invalid_spec,
                     std::string{"the spec's "} + name + " holds a NUL byte"};
  }
  if (spec.wait_ms > max_wait_ms)
    return failure{errc::invalid_spec,
                   "the spec asks to wait " + std::to_string(spec.wait_ms) +
                       " ms for room; at most " + std::to_string(max_wait_ms) +
                       " (a day) are accepted"};
  return std::nullopt;
}

result<resolved_spec> resolve(const model_spec& spec,
                              const manager_config& cfg) {
  if (auto err = check_spec_limits(spec))
    return *err;
  resolved_spec out;
  std::string device_str = spec.device;
  std::string dtype_str = spec.dtype;
  if (!spec.id.empty()) {
    if (!spec.path.empty())
      return failure{errc::invalid_spec,
                     "name a model by catalog id or by path, not both"};
    auto i = cfg.models.find(spec.id);
    if (i == cfg.models.end())
      return failure{errc::unknown_model,
                     "no model '" + spec.id + "' in the catalog"};
    auto& entry = i->second;
    out.name = entry.id;
    out.id = entry.id;
    out.path = entry.path;
    out.type = entry.type;
    if (device_str.empty())
      device_str = entry.device;
    if (dtype_str.empty())
      dtype_str = entry.dtype;
    out.pinned = entry.pinned;
    out.demote = entry.demote;
    out.warmup = entry.warmup;
    out.batch = entry.batch;
    out.fallbacks = entry.fallbacks;
    out.load_timeout = entry.load_timeout.value_or(cfg.load_timeout);
  } else {
    if (spec.path.empty())
      return failure{errc::invalid_spec,
                     "a model needs a catalog id or a path"};
    out.name = spec.path;
    out.path = spec.path;
    out.type = spec.type;
    out.load_timeout = cfg.load_timeout;
  }
  if (auto err = check_type(out.type, cfg.allowed_types))
    return *err;
  if (device_str.empty())
    device_str = cfg.default_device;
  if (auto place = parse_auto_device(device_str, cfg.default_device)) {
    out.auto_place = true;
    out.target = *place;
  } else if (auto dev = parse_device(device_str)) {
    out.target = *dev;
  } else {
    return dev.error();
  }
  auto precision_str = dtype_str.empty() ? cfg.dtype : dtype_str;
  auto policy = resolve_precision(precision_str, out.target, cfg);
  if (!policy)
    return policy.error();
  out.precision = policy->first;
  out.keep_saved = policy->second;
  return out;
}

result<std::pair<dtype, bool>> resolve_precision(const std::string& text,
                                                 const device& target,
                                                 const manager_config& cfg) {
  if (text == "saved")
    return std::pair{dtype::f32, true};
  if (text == "auto") {
    if (target.kind == device::kind_t::cpu)
      return std::pair{dtype::f32, true};
    return resolve_precision(cfg.accelerator_dtype, target, cfg);
  }
  if (auto precision = parse_model_dtype(text))
    return std::pair{*precision, false};
  return failure{errc::invalid_dtype,
                 "unknown model dtype '" + text +
                     "': use auto, saved, bf16, fp16 or fp32"};
}

duration patience_for(const model_spec& spec, const manager_config& cfg) {
  return spec.wait_ms > 0 ? duration{std::chrono::milliseconds{spec.wait_ms}}
                          : cfg.admission_timeout;
}

} // namespace cmm
