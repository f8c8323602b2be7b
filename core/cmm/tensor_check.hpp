#pragma once

// Checks on tensors that arrive from outside (decoded from the wire, or
// handed in by a caller) before anything reads their bytes. A tensor that
// passes names a dtype the project defines, has no negative extent, an
// element count and byte size that fit in 64 bits, and exactly the bytes
// its shape and dtype need. A request that passes also stays within the
// limits on what one request may carry. Every refusal is `bad_input` with a
// message that names the input.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmm/failure.hpp"
#include "cmm/tensor.hpp"

namespace cmm {

/// What one inference request may carry.
struct request_limits {
  /// Payload bytes of all inputs together (`cmm.max-request-bytes`).
  uint64_t max_request_bytes = uint64_t{256} << 20;
  /// Inputs per request.
  size_t max_inputs = 64;
  /// Dimensions per input.
  size_t max_rank = 32;
};

/// Bytes that `shape` holds in `type`; none where the dtype is undefined, an
/// extent is negative, or the element count or byte size overflows 64 bits.
std::optional<uint64_t> expected_bytes(dtype type,
                                       const std::vector<int64_t>& shape);

/// Checks one tensor; `name` says which in the message (e.g. `input 0`).
std::optional<failure> check_tensor(const tensor& x, const std::string& name,
                                    const request_limits& limits = {});

/// Checks every input of one request and their total size.
std::optional<failure> check_inputs(const std::vector<tensor>& inputs,
                                    const request_limits& limits = {});

} // namespace cmm
