#include "cmm/v2_protocol.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "v2_json.hpp"

namespace cmm::v2 {

namespace {

using json = nlohmann::json;

/// The deepest a valid request nests: body, inputs, input, parameters.
constexpr int max_json_depth = 8;

failure bad(std::string message) {
  return {errc::bad_input, std::move(message)};
}

const char* supported_datatypes() {
  return "BOOL, UINT8, INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64";
}

/// The value of a decimal of at most `max_digits` digits, none for
/// anything else (a sign, a blank, a leading zero in a longer number).
std::optional<uint64_t> decimal(std::string_view digits, size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits ||
      (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

/// The index of a tensor named `PREFIX<n>` (e.g. `INPUT__3`); none for
/// another name or an index not below `count`.
std::optional<uint32_t> tensor_index(const std::string& name,
                                     std::string_view prefix, size_t count) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix))
    return std::nullopt;
  auto n = decimal(std::string_view{name}.substr(prefix.size()), 9);
  if (!n || *n >= count)
    return std::nullopt;
  return static_cast<uint32_t>(*n);
}

template <class T> void put(std::vector<uint8_t>& out, size_t i, T x) {
  std::memcpy(out.data() + i * sizeof(T), &x, sizeof(T));
}

template <class T> T get(const std::vector<uint8_t>& in, size_t i) {
  T x;
  std::memcpy(&x, in.data() + i * sizeof(T), sizeof(T));
  return x;
}

/// Stores JSON element `v` as element `i` of a `type` buffer; false if `v`
/// is no value of that type.
bool store(const json& v, dtype type, std::vector<uint8_t>& out, size_t i) {
  if (type == dtype::boolean) {
    if (!v.is_boolean())
      return false;
    out[i] = v.get<bool>() ? 1 : 0;
    return true;
  }
  if (is_floating(type)) {
    if (!v.is_number())
      return false;
    auto d = v.get<double>();
    double limit = type == dtype::f64   ? DBL_MAX
                   : type == dtype::f16 ? 65504.0
                                        : static_cast<double>(FLT_MAX);
    if (!std::isfinite(d) || std::fabs(d) > limit)
      return false;
    switch (type) {
    case dtype::f64:
      put(out, i, d);
      break;
    case dtype::f32:
      put(out, i, static_cast<float>(d));
      break;
    case dtype::f16:
      put(out, i, float_to_f16(static_cast<float>(d)));
      break;
    default:
      put(out, i, float_to_bf16(static_cast<float>(d)));
      break;
    }
    return true;
  }
  if (!v.is_number_integer())
    return false;
  int64_t lo = 0;
  int64_t hi = 0;
  switch (type) {
  case dtype::u8:
    lo = 0, hi = UINT8_MAX;
    break;
  case dtype::i8:
    lo = INT8_MIN, hi = INT8_MAX;
    break;
  case dtype::i16:
    lo = INT16_MIN, hi = INT16_MAX;
    break;
  case dtype::i32:
    lo = INT32_MIN, hi = INT32_MAX;
    break;
  default:
    lo = INT64_MIN, hi = INT64_MAX;
  }
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
    return false;
  auto x = v.get<int64_t>();
  if (x < lo || x > hi)
    return false;
  switch (type) {
  case dtype::u8:
    out[i] = static_cast<uint8_t>(x);
    break;
  case dtype::i8:
    out[i] = static_cast<uint8_t>(static_cast<int8_t>(x));
    break;
  case dtype::i16:
    put(out, i, static_cast<int16_t>(x));
    break;
  case dtype::i32:
    put(out, i, static_cast<int32_t>(x));
    break;
  default:
    put(out, i, x);
  }
  return true;
}

/// Element `i` of `x` as JSON; none for a non-finite float.
std::optional<json> element(const tensor& x, size_t i) {
  auto& b = *x.bytes;
  double d = 0;
  switch (x.type) {
  case dtype::boolean:
    return json(b[i] != 0);
  case dtype::u8:
    return json(b[i]);
  case dtype::i8:
    return json(static_cast<int8_t>(b[i]));
  case dtype::i16:
    return json(get<int16_t>(b, i));
  case dtype::i32:
    return json(get<int32_t>(b, i));
  case dtype::i64:
    return json(get<int64_t>(b, i));
  case dtype::f16:
    d = f16_to_float(get<uint16_t>(b, i));
    break;
  case dtype::bf16:
    d = bf16_to_float(get<uint16_t>(b, i));
    break;
  case dtype::f32:
    d = get<float>(b, i);
    break;
  case dtype::f64:
    d = get<double>(b, i);
    break;
  }
  if (!std::isfinite(d))
    return std::nullopt;
  return json(d);
}

/// The bytes one input occupies, checked against what is left of the
/// request's budget.
result<uint64_t> input_bytes(const std::string& what, dtype type,
                             const std::vector<int64_t>& shape,
                             uint64_t& budget_left) {
  auto bytes = expected_bytes(type, shape);
  if (!bytes)
    return bad(what + ": its shape's size overflows");
  if (*bytes > budget_left)
    return bad(what + ": the request's tensors exceed the " +
               "cmm.max-request-bytes limit");
  budget_left -= *bytes;
  return *bytes;
}

result<std::vector<int64_t>> read_shape(const json& in, const std::string& what,
                                        const request_bounds& bounds) {
  auto i = in.find("shape");
  if (i == in.end() || !i->is_array())
    return bad(what + " needs a \"shape\": an array of dimensions");
  if (i->size() > bounds.tensors.max_rank)
    return bad(what + " has " + std::to_string(i->size()) +
               " dimensions, more than the " +
               std::to_string(bounds.tensors.max_rank) + " this node takes");
  std::vector<int64_t> shape;
  for (auto& d : *i) {
    if (!d.is_number_integer() ||
        (!d.is_number_unsigned() && d.get<int64_t>() < 0))
      return bad(what + ": every dimension of its shape must be a " +
                 "non-negative integer");
    if (d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      return bad(what + ": a dimension of its shape is out of range");
    shape.push_back(d.get<int64_t>());
  }
  return shape;
}

/// The input's `parameters.binary_data_size`, if it has one.
result<std::optional<uint64_t>> binary_size(const json& in,
                                            const std::string& what) {
  auto p = in.find("parameters");
  if (p == in.end())
    return std::optional<uint64_t>{};
  if (!p->is_object())
    return bad(what + ": \"parameters\" must be an object");
  auto s = p->find("binary_data_size");
  if (s == p->end())
    return std::optional<uint64_t>{};
  if (!s->is_number_unsigned())
    return bad(what + ": binary_data_size must be a non-negative integer");
  return std::optional<uint64_t>{s->get<uint64_t>()};
}

result<tensor> read_input(const json& in, const std::string& what,
                          std::string_view binary, uint64_t& binary_used,
                          uint64_t& budget_left, const request_bounds& bounds) {
  auto dt = in.find("datatype");
  if (dt == in.end() || !dt->is_string())
    return bad(what + " needs a \"datatype\"");
  auto type = parse_datatype(dt->get<std::string>());
  if (!type)
    return bad(what + ": datatype '" + dt->get<std::string>() +
               "' is not one this server takes (" + supported_datatypes() +
               ")");
  auto shape = read_shape(in, what, bounds);
  if (!shape)
    return shape.error();
  auto bytes = input_bytes(what, *type, *shape, budget_left);
  if (!bytes)
    return bytes.error();
  auto size = binary_size(in, what);
  if (!size)
    return size.error();
  auto data = in.find("data");
  std::vector<uint8_t> buf;
  if (*size) {
    if (data != in.end())
      return bad(what + " has both \"data\" and binary_data_size");
    if (**size != *bytes)
      return bad(what + ": binary_data_size is " + std::to_string(**size) +
                 " bytes, but its datatype and shape make " +
                 std::to_string(*bytes));
    if (**size > binary.size() - binary_used)
      return bad(what + ": binary_data_size runs past the end of the body");
    auto from = binary.data() + binary_used;
    buf.assign(from, from + **size);
    binary_used += **size;
  } else {
    if (data == in.end() || !data->is_array())
      return bad(what + " needs \"data\": a flat array of its elements in " +
                 "row-major order, or binary_data_size");
    auto numel = *bytes / element_size(*type);
    if (!data->empty() && data->front().is_array())
      return bad(what + ": data must be flat: its elements in row-major " +
                 "order, the shape says how they nest");
    if (data->size() != numel)
      return bad(what + ": its shape holds " + std::to_string(numel) +
                 " elements, its data " + std::to_string(data->size()));
    buf.resize(*bytes);
    for (size_t i = 0; i < numel; ++i)
      if (!store((*data)[i], *type, buf, i))
        return bad(what + ": data element " + std::to_string(i) + " is not a " +
                   datatype_name(*type) + " value");
  }
  return make_tensor(*type, std::move(*shape), std::move(buf));
}

result<std::vector<output_choice>> read_outputs(const json& root) {
  std::vector<output_choice> result;
  auto outs = root.find("outputs");
  if (outs == root.end())
    return result;
  if (!outs->is_array())
    return bad("\"outputs\" must be an array");
  std::set<uint32_t> seen;
  for (auto& o : *outs) {
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string())
      return bad("every requested output needs a \"name\"");
    auto name = o["name"].get<std::string>();
    auto index = tensor_index(name, "OUTPUT__", UINT32_MAX);
    if (!index)
      return bad("output '" + name + "': outputs are named OUTPUT__0, " +
                 "OUTPUT__1, ... in the order the model returns them");
    if (!seen.insert(*index).second)
      return bad("output '" + name + "' is requested twice");
    output_choice choice{*index, false};
    if (auto p = o.find("parameters"); p != o.end()) {
      if (!p->is_object())
        return bad("output '" + name + "': \"parameters\" must be an object");
      if (auto b = p->find("binary_data"); b != p->end()) {
        if (!b->is_boolean())
          return bad("output '" + name + "': binary_data must be a boolean");
        choice.binary = b->get<bool>();
      }
    }
    result.push_back(choice);
  }
  return result;
}

result<infer_request> decode_document(const json& root, std::string_view binary,
                                      const request_bounds& bounds) {
  if (!root.is_object())
    return bad("the request body must be a JSON object");
  infer_request req;
  if (auto id = root.find("id"); id != root.end()) {
    if (!id->is_string())
      return bad("\"id\" must be a string");
    req.id = id->get<std::string>();
  }
  auto inputs = root.find("inputs");
  if (inputs == root.end() || !inputs->is_array() || inputs->empty())
    return bad("the request needs \"inputs\": a non-empty array");
  if (inputs->size() > bounds.tensors.max_inputs)
    return bad("the request has " + std::to_string(inputs->size()) +
               " inputs, more than the " +
               std::to_string(bounds.tensors.max_inputs) + " this node takes");
  std::vector<std::optional<tensor>> slots(inputs->size());
  uint64_t binary_used = 0;
  uint64_t budget_left = bounds.tensors.max_request_bytes;
  for (auto& in : *inputs) {
    if (!in.is_object() || !in.contains("name") || !in["name"].is_string())
      return bad("every input needs a \"name\"");
    auto name = in["name"].get<std::string>();
    auto index = tensor_index(name, "INPUT__", slots.size());
    if (!index)
      return bad("input '" + name + "': inputs are named INPUT__0 to INPUT__" +
                 std::to_string(slots.size() - 1) + ", the model's " +
                 "forward arguments in order");
    if (slots[*index])
      return bad("input '" + name + "' is given twice");
    auto x = read_input(in, "input '" + name + "'", binary, binary_used,
                        budget_left, bounds);
    if (!x)
      return x.error();
    slots[*index] = std::move(*x);
  }
  if (binary_used != binary.size())
    return bad(std::to_string(binary.size() - binary_used) +
               " bytes of binary data follow that no input claims");
  for (auto& x : slots)
    req.inputs.push_back(std::move(*x));
  auto outputs = read_outputs(root);
  if (!outputs)
    return outputs.error();
  req.outputs = std::move(*outputs);
  if (auto p = root.find("parameters"); p != root.end()) {
    if (!p->is_object())
      return bad("\"parameters\" must be an object");
    if (auto b = p->find("binary_data_output"); b != p->end()) {
      if (!b->is_boolean())
        return bad("binary_data_output must be a boolean");
      req.binary_outputs = b->get<bool>();
    }
  }
  return req;
}

} // namespace

nlohmann::json parse_bounded(std::string_view text) {
  json::parser_callback_t limit_depth = [](int depth, json::parse_event_t,
                                           json&) {
    if (depth > max_json_depth)
      throw too_deep{};
    return true;
  };
  return json::parse(text.begin(), text.end(), limit_depth);
}

const char* datatype_name(dtype x) {
  switch (x) {
  case dtype::f32:
    return "FP32";
  case dtype::f16:
    return "FP16";
  case dtype::bf16:
    return "BF16";
  case dtype::i64:
    return "INT64";
  case dtype::i32:
    return "INT32";
  case dtype::u8:
    return "UINT8";
  case dtype::boolean:
    return "BOOL";
  case dtype::i8:
    return "INT8";
  case dtype::i16:
    return "INT16";
  case dtype::f64:
    return "FP64";
  }
  return "UNKNOWN";
}

std::optional<dtype> parse_datatype(std::string_view name) {
  for (auto x : {dtype::f32, dtype::f16, dtype::bf16, dtype::i64, dtype::i32,
                 dtype::u8, dtype::boolean, dtype::i8, dtype::i16, dtype::f64})
    if (name == datatype_name(x))
      return x;
  return std::nullopt;
}

std::optional<uint64_t> parse_header_length(std::string_view text) {
  // 19 digits always fit 64 bits.
  return decimal(text, 19);
}

result<infer_request>
decode_infer_request(std::string_view body,
                     std::optional<uint64_t> header_length,
                     const request_bounds& bounds) {
  auto text = body;
  std::string_view binary;
  if (header_length) {
    if (*header_length > body.size())
      return bad("Inference-Header-Content-Length is " +
                 std::to_string(*header_length) + " bytes, the body only " +
                 std::to_string(body.size()));
    text = body.substr(0, *header_length);
    binary = body.substr(*header_length);
  }
  if (text.size() > bounds.max_json_bytes)
    return bad("the request's JSON is " + std::to_string(text.size()) +
               " bytes, more than the " +
               std::to_string(bounds.max_json_bytes) +
               " this node parses: send large tensors as binary data " +
               "(Inference-Header-Content-Length)");
  try {
    return decode_document(parse_bounded(text), binary, bounds);
  } catch (const too_deep&) {
    return bad("the request's JSON nests deeper than any valid request");
  } catch (const json::exception& ex) {
    return bad(std::string{"the request body is not valid JSON: "} + ex.what());
  }
}

result<encoded_response>
encode_infer_response(const std::string& model, const infer_request& req,
                      const std::vector<tensor>& outputs) {
  auto chosen = req.outputs;
  if (chosen.empty())
    for (uint32_t i = 0; i < outputs.size(); ++i)
      chosen.push_back({i, req.binary_outputs});
  else if (req.binary_outputs)
    for (auto& c : chosen)
      c.binary = true;
  json doc = {{"model_name", model}, {"model_version", "1"}};
  if (!req.id.empty())
    doc["id"] = req.id;
  json list = json::array();
  std::string binary;
  for (auto& c : chosen) {
    auto name = "OUTPUT__" + std::to_string(c.index);
    if (c.index >= outputs.size())
      return bad("output '" + name +
                 "' was asked for, but the model returned " +
                 std::to_string(outputs.size()) + " output(s)");
    auto& x = outputs[c.index];
    if (auto err = check_tensor(x, name))
      return *err;
    json out = {{"name", name},
                {"datatype", datatype_name(x.type)},
                {"shape", x.shape}};
    if (c.binary) {
      out["parameters"] = {{"binary_data_size", x.nbytes()}};
      if (x.nbytes() > 0)
        binary.append(reinterpret_cast<const char*>(x.bytes->data()),
                      x.nbytes());
    } else {
      auto data = json::array();
      auto n = static_cast<size_t>(x.numel());
      for (size_t i = 0; i < n; ++i) {
        auto v = element(x, i);
        if (!v)
          return bad("output '" + name + "' holds NaN or infinity, which " +
                     "JSON cannot carry: ask for it as binary data " +
                     "(parameters.binary_data)");
        data.push_back(std::move(*v));
      }
      out["data"] = std::move(data);
    }
    list.push_back(std::move(out));
  }
  doc["outputs"] = std::move(list);
  encoded_response res;
  res.body = doc.dump();
  if (!binary.empty() || std::any_of(chosen.begin(), chosen.end(),
                                     [](auto& c) { return c.binary; })) {
    res.header_length = res.body.size();
    res.body += binary;
  }
  return res;
}

} // namespace cmm::v2
