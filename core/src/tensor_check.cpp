#include "cmm/tensor_check.hpp"

namespace cmm {

namespace {

failure bad_input(std::string message) {
  return failure{errc::bad_input, std::move(message)};
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string str = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    str += (i == 0 ? "" : ",") + std::to_string(shape[i]);
  return str + "]";
}

} // namespace

std::optional<uint64_t> expected_bytes(dtype type,
                                       const std::vector<int64_t>& shape) {
  if (!is_defined(type))
    return std::nullopt;
  uint64_t total = element_size(type);
  for (auto extent : shape) {
    if (extent < 0 ||
        __builtin_mul_overflow(total, static_cast<uint64_t>(extent), &total))
      return std::nullopt;
  }
  return total;
}

std::optional<failure> check_tensor(const tensor& x, const std::string& name,
                                    const request_limits& limits) {
  if (!is_defined(x.type))
    return bad_input(name + " has dtype code " +
                     std::to_string(static_cast<unsigned>(x.type)) +
                     ", which names no dtype (fp32, fp16, bf16, int64, int32, "
                     "uint8, bool)");
  if (x.shape.size() > limits.max_rank)
    return bad_input(name + " has " + std::to_string(x.shape.size()) +
                     " dimensions; at most " + std::to_string(limits.max_rank) +
                     " are accepted");
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (x.shape[i] < 0)
      return bad_input(name + " has a negative extent (" +
                       std::to_string(x.shape[i]) + ") in dimension " +
                       std::to_string(i));
  auto need = expected_bytes(x.type, x.shape);
  if (!need)
    return bad_input(name + ": its shape " + shape_text(x.shape) + " in " +
                     to_string(x.type) +
                     " needs more bytes than fit in 64 "
                     "bits");
  if (x.nbytes() != *need)
    return bad_input(name + " holds " + std::to_string(x.nbytes()) +
                     " bytes but its shape " + shape_text(x.shape) + " in " +
                     to_string(x.type) + " needs " + std::to_string(*need));
  return std::nullopt;
}

std::optional<failure> check_inputs(const std::vector<tensor>& inputs,
                                    const request_limits& limits) {
  if (inputs.size() > limits.max_inputs)
    return bad_input("the request has " + std::to_string(inputs.size()) +
                     " inputs; at most " + std::to_string(limits.max_inputs) +
                     " are accepted");
  uint64_t total = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto name = "input " + std::to_string(i);
    if (auto err = check_tensor(inputs[i], name, limits))
      return err;
    total += inputs[i].nbytes();
    if (total > limits.max_request_bytes)
      return bad_input("the request's inputs hold more than " +
                       std::to_string(limits.max_request_bytes) +
                       " bytes (cmm.max-request-bytes); " + name +
                       " alone holds " + std::to_string(inputs[i].nbytes()));
  }
  return std::nullopt;
}

} // namespace cmm
