#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cmm/batching.hpp"
#include "cmm/clock.hpp"
#include "cmm/warmup_spec.hpp"

namespace cmm {

/// A smaller variant of a catalog model (e.g. an int8 file), loaded when the
/// preferred one does not fit its device.
struct model_variant {
  /// What `info` reports, e.g. `int8`.
  std::string label;
  std::string path;
};

/// One named model a node serves: remote callers name models by `id` only.
/// Empty `device` or `dtype` mean the manager's defaults.
struct catalog_entry {
  catalog_entry() = default;

  catalog_entry(std::string id, std::string path, std::string type,
                std::string device = {}, std::string dtype = {});

  std::string id;
  std::string path;
  std::string type;
  std::string device;
  std::string dtype;
  /// Loaded at start, never idled out or evicted.
  bool pinned = false;
  /// At idle timeout an accelerator-resident model first moves to the CPU
  /// and stays warm; a second timeout unloads it.
  bool demote = false;
  /// Runs after loading and before the model is ready.
  std::optional<warmup_spec> warmup;
  /// Smaller variants, most preferred first.
  std::vector<model_variant> fallbacks;
  /// How long a load may take; none: the manager's `cmm.load-timeout`.
  std::optional<duration> load_timeout;
  /// Dynamic batching of its inference requests; off by default.
  batch_policy batch;
};

/// Catalog entries by id.
using catalog = std::map<std::string, catalog_entry>;

/// Parses the config form of one entry:
/// `PATH,TYPE[,DEVICE[,DTYPE[,OPTION...]]]` with options `pin`, `demote`,
/// `warmup=DTYPE:DIMxDIM*RUNS`, `fallback=LABEL:PATH` (repeatable) and
/// `load-timeout=DURATION` (positive, e.g. `90s`) and `batch=MAX:DELAY`
/// (see batching.hpp).
/// Leaves `out` untouched on error.
bool parse_catalog_entry(const std::string& id, const std::string& text,
                         catalog_entry& out);

} // namespace cmm
