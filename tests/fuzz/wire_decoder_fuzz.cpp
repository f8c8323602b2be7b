// libFuzzer target: what a peer can put on the wire for the project's types
// that carry outside data into the node, as CAF's binary deserializer
// decodes it on arrival. The first byte picks the message content:
//   0: the inputs of an inference request (std::vector<cmm::tensor>)
//   1: the spec of an acquire or preload (cmm::model_spec)
// Whatever decodes then meets the boundary checks, as in the node: inputs
// that pass are read element by element, as a model would; a spec is
// resolved against a small catalog. Nothing may crash, read out of bounds,
// or allocate more than the input could justify.

#include <cstddef>
#include <cstdint>

#include <caf/binary_deserializer.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/model_spec.hpp"
#include "cmm/tensor_check.hpp"

namespace {

const cmm::manager_config& catalog_config() {
  static const cmm::manager_config cfg = [] {
    cmm::manager_config out;
    out.models["tts"] = {"tts", "/models/tts.pt", "base", "cpu", "bf16"};
    out.models["gpu"] = {"gpu", "/models/gpu.pt", "base", "auto:cuda", ""};
    return out;
  }();
  return cfg;
}

void decode_inputs(caf::binary_deserializer& source) {
  std::vector<cmm::tensor> inputs;
  if (source(inputs))
    return;
  if (cmm::check_inputs(inputs))
    return;
  volatile float sink = 0;
  for (auto& x : inputs)
    for (auto value : x.to_floats())
      sink = sink + value;
}

void decode_spec(caf::binary_deserializer& source) {
  cmm::model_spec spec;
  if (source(spec))
    return;
  (void)cmm::resolve(spec, catalog_config());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  caf::binary_deserializer source{
      nullptr, reinterpret_cast<const char*>(data + 1), size - 1};
  if (data[0] % 2 == 0)
    decode_inputs(source);
  else
    decode_spec(source);
  return 0;
}
