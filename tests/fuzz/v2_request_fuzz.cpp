// libFuzzer target: an HTTP body as a KServe v2 client hands it to
// cmm-node, with and without the binary extension's header length (taken
// from the input's first two bytes). The decoder must accept it or name
// what is wrong, within its bounds; whatever it accepts is encoded back as a
// response, asking for every output as JSON and as binary. Nothing may
// crash, hang or allocate past the bounds.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cmm/v2_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  cmm::v2::request_bounds bounds;
  bounds.tensors.max_request_bytes = 1 << 20;
  bounds.max_json_bytes = 1 << 16;
  std::string_view body{reinterpret_cast<const char*>(data) + 2, size - 2};
  uint64_t split = (uint64_t{data[0]} << 8 | data[1]) % (body.size() + 2);
  for (auto header :
       {std::optional<uint64_t>{}, std::optional<uint64_t>{split}}) {
    auto req = cmm::v2::decode_infer_request(body, header, bounds);
    if (!req)
      continue;
    (void)cmm::v2::encode_infer_response("fuzz", *req, req->inputs);
    req->binary_outputs = true;
    (void)cmm::v2::encode_infer_response("fuzz", *req, req->inputs);
  }
  (void)cmm::v2::parse_index_request(body);
  (void)cmm::v2::parse_header_length(body);
  return 0;
}
