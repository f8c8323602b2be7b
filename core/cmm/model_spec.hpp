#pragma once

#include <string>

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
  device target;
  dtype precision = dtype::bf16;
};

/// Checks a spec: the id must be in the catalog, the type among the allowed
/// ones (the error lists them), device and dtype well-formed.
result<resolved_spec> resolve(const model_spec& spec,
                              const manager_config& cfg);

/// Checks a type against the allowed set.
std::optional<failure> check_type(const std::string& type,
                                  const std::vector<std::string>& allowed);

} // namespace cmm
