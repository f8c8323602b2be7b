#pragma once

// How cmm-ctl shows models: a JSON object per `model_info`, the table that
// `list` and `watch` print, and the key/value block of `info`.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cmm/model_entry.hpp"

namespace cmm::ctl {

/// Every field of `x` as one JSON object.
nlohmann::ordered_json model_json(const model_info& x);

/// One `model_json` object per row, as an array.
nlohmann::ordered_json models_json(const std::vector<model_info>& rows);

/// The table of `list` (`wide`: with dtype, loads and last error) or of
/// `watch` (name, state, refs, idle s, MB, device). Says `(no models)` when
/// there are none.
std::string model_table(const std::vector<model_info>& rows, bool wide);

/// One `key: value` line per field, for `info`.
std::string model_details(const model_info& x);

/// Megabytes with one decimal, e.g. `24.1`.
std::string megabytes(uint64_t bytes);

} // namespace cmm::ctl
