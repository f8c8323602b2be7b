#include "cmm/v2_protocol.hpp"

#include "v2_json.hpp"

namespace cmm::v2 {

namespace {

using json = nlohmann::json;

/// A tensor's metadata; `-1` stands for every dimension not known.
json tensor_meta(const std::string& name, const std::string& datatype,
                 const std::vector<int64_t>& shape) {
  return {{"name", name},
          {"datatype", datatype},
          {"shape", shape.empty() ? std::vector<int64_t>{-1} : shape}};
}

/// The datatype the model's tensors most likely have when nothing better is
/// known: the precision it runs in (`fp32` for a model loaded as saved).
std::string default_datatype(const model_info& info) {
  auto x = parse_dtype(info.dtype);
  return datatype_name(x ? *x : dtype::f32);
}

const char* repository_state(const std::string& state) {
  if (state == "ready")
    return "READY";
  if (state == "sizing" || state == "waiting" || state == "loading")
    return "LOADING";
  if (state == "unloading")
    return "UNLOADING";
  return "UNAVAILABLE";
}

} // namespace

std::string server_metadata(const std::string& version, bool operator_side) {
  json extensions = {"binary_tensor_data", "metrics"};
  if (operator_side)
    extensions.push_back("model_repository");
  return json{
      {"name", "cmm-node"}, {"version", version}, {"extensions", extensions}}
      .dump();
}

std::string model_metadata(const model_info& info) {
  auto fallback = default_datatype(info);
  auto inputs = json::array();
  auto count = info.inputs;
  if (count == 0 && !info.warmup_type.empty())
    count = 1;
  for (uint32_t i = 0; i < count; ++i) {
    auto warm = i == 0 && !info.warmup_type.empty();
    auto type = warm ? parse_dtype(info.warmup_type) : std::nullopt;
    inputs.push_back(tensor_meta(
        "INPUT__" + std::to_string(i), type ? datatype_name(*type) : fallback,
        warm ? info.warmup_shape : std::vector<int64_t>{}));
  }
  auto outputs = json::array();
  for (uint32_t i = 0; i < info.outputs; ++i)
    outputs.push_back(
        tensor_meta("OUTPUT__" + std::to_string(i), fallback, {}));
  return json{{"name", info.name},
              {"versions", {"1"}},
              {"platform", info.device.rfind("sim", 0) == 0
                               ? "simulated"
                               : "pytorch_libtorch"},
              {"inputs", inputs},
              {"outputs", outputs}}
      .dump();
}

std::string repository_index(const std::vector<model_info>& models,
                             bool ready_only) {
  auto rows = json::array();
  for (auto& m : models) {
    auto state = repository_state(m.state);
    if (ready_only && std::string{state} != "READY")
      continue;
    json row = {{"name", m.name}, {"version", "1"}, {"state", state}};
    if (!m.last_error.empty() && m.state != "ready")
      row["reason"] = m.last_error;
    rows.push_back(std::move(row));
  }
  return rows.dump();
}

result<bool> parse_index_request(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return false;
  json doc;
  try {
    doc = parse_bounded(body);
  } catch (...) {
    // Invalid JSON or nesting too deep: either way not an index request.
  }
  if (!doc.is_object())
    return failure{errc::bad_input,
                   "an index request's body is empty or a JSON object"};
  auto ready = doc.find("ready");
  if (ready == doc.end())
    return false;
  if (!ready->is_boolean())
    return failure{errc::bad_input, "\"ready\" must be a boolean"};
  return ready->get<bool>();
}

std::string error_body(const std::string& message) {
  return json{{"error", message}}.dump();
}

} // namespace cmm::v2
