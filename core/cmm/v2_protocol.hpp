#pragma once

// The KServe v2 inference protocol (the open inference protocol of Triton,
// KServe and ModelMesh), REST form: decoding an infer request and encoding
// its response, with Triton's binary tensor extension, plus the metadata
// documents. Everything here is pure: the HTTP server (actors/src/http_*)
// moves bytes and asks the manager. A request body is untrusted: every
// decoded value is checked (datatypes, shapes with overflow checks, data
// lengths, sizes against the limits) before a tensor is built.
//
// Tensor names follow Triton's PyTorch backend: the `forward` arguments in
// order are `INPUT__0`, `INPUT__1`, ..., its results `OUTPUT__0`, ...

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmm/dtype.hpp"
#include "cmm/model_entry.hpp"
#include "cmm/result.hpp"
#include "cmm/tensor.hpp"
#include "cmm/tensor_check.hpp"

namespace cmm::v2 {

/// The protocol's name of a dtype: `FP32`, `BF16`, `INT64`, `BOOL`, ...
const char* datatype_name(dtype x);

/// The dtype of a protocol datatype name; none for a name the protocol does
/// not define or this server does not take (`UINT16`, `UINT32`, `UINT64`,
/// `BYTES`).
std::optional<dtype> parse_datatype(std::string_view name);

/// What one HTTP inference request may cost.
struct request_bounds {
  /// Inputs, ranks and payload bytes of all inputs together.
  request_limits tensors;
  /// Bytes of the JSON document (the whole body without the binary
  /// extension): a parsed JSON number costs far more than its text, so
  /// large tensors must come as binary data.
  uint64_t max_json_bytes = uint64_t{16} << 20;
};

/// One output the request asks for.
struct output_choice {
  uint32_t index = 0;
  bool binary = false;
};

struct infer_request {
  /// The request's `id`, echoed in the response; empty if none.
  std::string id;
  /// In `forward` order.
  std::vector<tensor> inputs;
  /// The outputs asked for, in the order asked; empty asks for all.
  std::vector<output_choice> outputs;
  /// `parameters.binary_data_output`: every output as binary data.
  bool binary_outputs = false;
};

/// Decodes an infer request. `body` is the whole HTTP body;
/// `header_length` the `Inference-Header-Content-Length` header's value,
/// when the request has one (the binary extension: the JSON document is
/// that many bytes, the inputs' raw little-endian bytes follow in order).
/// Fails with `bad_input` saying what is wrong.
result<infer_request>
decode_infer_request(std::string_view body,
                     std::optional<uint64_t> header_length,
                     const request_bounds& bounds);

/// The `Inference-Header-Content-Length` header's value: a decimal byte
/// count; none for anything else.
std::optional<uint64_t> parse_header_length(std::string_view text);

struct encoded_response {
  std::string body;
  /// Set when binary outputs follow the JSON document: its length.
  std::optional<uint64_t> header_length;
};

/// Encodes the response to `req` with the model's `outputs`. Fails with
/// `bad_input` when the request names an output the model did not produce,
/// or asks for a non-finite float as JSON (JSON has no NaN; binary data
/// carries it).
result<encoded_response>
encode_infer_response(const std::string& model, const infer_request& req,
                      const std::vector<tensor>& outputs);

/// `GET /v2`: the server's name, version and protocol extensions.
std::string server_metadata(const std::string& version, bool operator_side);

/// `GET /v2/models/{id}`: name, platform and the tensors the manager knows
/// of (see the README for where their datatypes and shapes come from).
std::string model_metadata(const model_info& info);

/// `POST /v2/repository/index`'s rows, as Triton writes them: name,
/// version, state (`READY`, `LOADING`, `UNLOADING`, `UNAVAILABLE`) and the
/// reason a model is unavailable.
std::string repository_index(const std::vector<model_info>& models,
                             bool ready_only);

/// The index request's `ready` flag: an empty body, or a JSON object with
/// an optional boolean `ready`.
result<bool> parse_index_request(std::string_view body);

/// `{"error": message}`.
std::string error_body(const std::string& message);

} // namespace cmm::v2
